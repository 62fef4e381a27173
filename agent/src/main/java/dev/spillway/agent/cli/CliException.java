package dev.spillway.agent.cli;

/** A failure the command line reports as one line, without a stack trace. */
final class CliException extends Exception {

  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }
}
