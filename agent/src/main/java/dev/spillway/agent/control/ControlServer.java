package dev.spillway.agent.control;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.shedding.RulesMBean;
import dev.spillway.agent.status.AgentMXBean;
import dev.spillway.agent.status.TargetStatus;
import dev.spillway.bootstrap.AgentThreads;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The command line's way in: a Unix domain socket in a directory that only this JVM's OS user
 * may enter, so that no TCP port is opened and no other local user can connect, even knowing the
 * path (root aside, who can attach anyway). The path is published as the system property
 * {@value #PROPERTY}, which the command line reads through the attach mechanism (itself limited
 * to the same user).
 *
 * <p>Each connection carries one request and its answer (see {@link Wire}) and is served on its
 * own agent thread, at most {@link #MAX_CONNECTIONS} at a time: a stuck client holds only its own.
 */
public final class ControlServer {

  /** The system property that holds the socket's path while the server runs. */
  public static final String PROPERTY = "spillway.control.socket";
  private static final int MAX_CONNECTIONS = 4;

  private final Path directory;
  private final Path socket;
  private final ServerSocketChannel server;
  private final AgentMXBean agent;
  private final RulesMBean rules;
  private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
  private volatile boolean open = true;

  private ControlServer(Path directory, Path socket, ServerSocketChannel server, AgentMXBean agent,
      RulesMBean rules) {
    this.directory = directory;
    this.socket = socket;
    this.server = server;
    this.agent = agent;
    this.rules = rules;
  }

  /**
   * Opens the socket and starts serving; null, with one warning, where it cannot be opened (a
   * file system without owner-only permissions, say): the agent runs on without it.
   */
  public static ControlServer open(AgentMXBean agent, RulesMBean rules) {
    Path directory = null;
    try {
      // Created rwx------ from the start: there is no moment when another user could enter it.
      directory = Files.createTempDirectory("spillway-" + ProcessHandle.current().pid() + "-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path socket = directory.resolve("control");
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      ControlServer control = new ControlServer(directory, socket, server, agent, rules);
      AgentThreads.newThread(control::acceptLoop, "spillway-control").start();
      System.setProperty(PROPERTY, socket.toString());
      return control;
    } catch (Throwable t) {
      AgentLog.warn("control channel not opened, the command line cannot reach this JVM (the rest works): " + t);
      deleteQuietly(directory == null ? null : directory.resolve("control"));
      deleteQuietly(directory);
      return null;
    }
  }

  /** The socket's path. */
  public Path socket() {
    return socket;
  }

  /** Stops accepting and removes the socket; requests being served finish. */
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    if (socket.toString().equals(System.getProperty(PROPERTY))) {
      System.clearProperty(PROPERTY);
    }
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    deleteQuietly(socket);
    deleteQuietly(directory);
  }

  private void acceptLoop() {
    while (open) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (open) {
          AgentLog.warn("control channel stopped: " + e);
          close();
        }
        return;
      }
      if (!connections.tryAcquire()) {
        closeQuietly(client);
        continue;
      }
      AgentThreads.newThread(() -> {
        try {
          serve(client);
        } finally {
          connections.release();
          closeQuietly(client);
        }
      }, "spillway-control-request").start();
    }
  }

  private void serve(SocketChannel client) {
    try {
      DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(client)));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(client)));
      if (in.readInt() != Wire.MAGIC) {
        return;
      }
      String operation = Wire.readString(in);
      int count = in.readInt();
      if (count < 0 || count > Wire.MAX_ARGS) {
        return;
      }
      List<String> args = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        args.add(Wire.readString(in));
      }
      boolean detaching = false;
      try {
        detaching = answer(operation, args, out);
      } catch (IllegalArgumentException refused) {
        out.writeByte(Wire.REFUSED);
        Wire.writeString(out, String.valueOf(refused.getMessage()));
      } catch (RuntimeException | Error e) {
        out.writeByte(Wire.FAILED);
        Wire.writeString(out, e.toString());
      }
      out.flush();
      if (detaching) {
        close();
      }
    } catch (IOException e) {
      AgentLog.debug("control request failed", e);
    }
  }

  /** Writes the answer to one request; true when the agent detached. */
  private boolean answer(String operation, List<String> args, DataOutputStream out) throws IOException {
    switch (operation) {
      case "version":
        out.writeByte(Wire.OK);
        Wire.writeString(out, agent.getVersion());
        out.writeLong(agent.getStartedAtMillis());
        return false;
      case "targets":
        List<TargetStatus> rows = agent.getTargets();
        out.writeByte(Wire.OK);
        out.writeInt(rows.size());
        for (TargetStatus row : rows) {
          writeRow(out, row);
        }
        return false;
      case "rules":
        String yaml = rules.getRules();
        String source = rules.getSource();
        String[] active = rules.getActiveRules();
        out.writeByte(Wire.OK);
        Wire.writeString(out, yaml);
        Wire.writeString(out, source);
        out.writeInt(active.length);
        for (String name : active) {
          Wire.writeString(out, name);
        }
        return false;
      case "apply":
        if (args.size() != 2) {
          throw new IllegalArgumentException("apply takes a rule text and its source");
        }
        rules.apply(args.get(0), args.get(1));
        out.writeByte(Wire.OK);
        return false;
      case "clear":
        rules.clear();
        out.writeByte(Wire.OK);
        return false;
      case "detach":
        String message = agent.detach();
        out.writeByte(Wire.OK);
        Wire.writeString(out, message);
        return true;
      default:
        throw new IllegalArgumentException("unknown operation '" + operation + "'");
    }
  }

  static void writeRow(DataOutputStream out, TargetStatus row) throws IOException {
    Wire.writeString(out, row.getKind());
    Wire.writeString(out, row.getName());
    Wire.writeString(out, row.getType());
    out.writeLong(row.getDepth());
    out.writeLong(row.getCapacity());
    out.writeLong(row.getActive());
    out.writeLong(row.getMax());
    out.writeLong(row.getRejected());
    out.writeLong(row.getShed());
    out.writeLong(row.getCompleted());
    out.writeLong(row.getWaitP99Nanos());
    Wire.writeString(out, row.getRules());
  }

  static TargetStatus readRow(DataInputStream in) throws IOException {
    return new TargetStatus(Wire.readString(in), Wire.readString(in), Wire.readString(in), in.readLong(),
        in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
        Wire.readString(in));
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // gone
    }
  }

  private static void deleteQuietly(Path path) {
    if (path == null) {
      return;
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // left for the temp cleaner
    }
  }
}
