package dev.spillway.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Just enough terminal for {@code top}: redraw in place, read single keys without Enter, and
 * always leave the terminal as it was, on 'q', on Ctrl-C and on errors. Raw key input is set up
 * with {@code stty} on the controlling terminal; without a terminal, frames are simply printed.
 */
final class Terminal implements AutoCloseable {

  private static final String CLEAR = "\033[H\033[2J";
  private static final String HIDE_CURSOR = "\033[?25l";
  private static final String SHOW_CURSOR = "\033[?25h";

  private final PrintStream out;
  private final InputStream in;
  private final boolean interactive;
  private final String savedSettings;
  private final Thread restoreOnExit = new Thread(this::restore, "spillway-terminal-restore");
  private boolean restored;

  private Terminal(PrintStream out, InputStream in, boolean interactive, String savedSettings) {
    this.out = out;
    this.in = in;
    this.interactive = interactive;
    this.savedSettings = savedSettings;
  }

  static Terminal open(PrintStream out, InputStream in) {
    if (System.console() == null) {
      return new Terminal(out, in, false, null);
    }
    String saved = stty("-g");
    if (saved == null || stty("-icanon -echo min 0 time 0") == null) {
      return new Terminal(out, in, false, null);
    }
    Terminal terminal = new Terminal(out, in, true, saved.trim());
    Runtime.getRuntime().addShutdownHook(terminal.restoreOnExit);
    out.print(HIDE_CURSOR);
    return terminal;
  }

  boolean interactive() {
    return interactive;
  }

  void draw(String frame) {
    if (interactive) {
      out.print(CLEAR + frame.replace("\n", "\r\n"));
    } else {
      out.print(frame + "\n");
    }
    out.flush();
  }

  /** Waits up to {@code millis} for a key; returns it, or -1 when none came. */
  int readKey(long millis) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (interactive && in.available() > 0) {
        return in.read();
      }
      Thread.sleep(50);
    }
    return -1;
  }

  @Override
  public void close() {
    restore();
    if (interactive) {
      try {
        Runtime.getRuntime().removeShutdownHook(restoreOnExit);
      } catch (IllegalStateException exiting) {
        // the hook is running
      }
    }
  }

  private synchronized void restore() {
    if (restored || !interactive) {
      return;
    }
    restored = true;
    out.print(SHOW_CURSOR + CLEAR);
    out.flush();
    stty(savedSettings);
  }

  /** Runs {@code stty} on the controlling terminal; returns its output, or null if that failed. */
  private static String stty(String arguments) {
    try {
      Process stty = new ProcessBuilder("/bin/sh", "-c", "stty " + arguments + " < /dev/tty")
          .redirectErrorStream(true).start();
      String output = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return stty.waitFor() == 0 ? output : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
