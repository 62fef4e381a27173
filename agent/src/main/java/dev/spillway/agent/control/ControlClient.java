package dev.spillway.agent.control;

import dev.spillway.agent.shedding.RulesMBean;
import dev.spillway.agent.status.AgentMXBean;
import dev.spillway.agent.status.TargetStatus;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line's end of the {@link ControlServer}: the agent and its rules, as the same
 * interfaces the MBeans offer. Each call is one connection. A refusal by the agent (an invalid
 * rule file) is an {@link IllegalArgumentException} with the agent's one-line message; a lost
 * connection an {@link UncheckedIOException}.
 */
public final class ControlClient {

  private final Path socket;

  public ControlClient(Path socket) {
    this.socket = socket;
  }

  /** The agent, as its MBean would show it. */
  public AgentMXBean agent() {
    return new AgentMXBean() {
      @Override
      public String getVersion() {
        return call("version", in -> Wire.readString(in));
      }

      @Override
      public long getStartedAtMillis() {
        return call("version", in -> {
          Wire.readString(in);
          return in.readLong();
        });
      }

      @Override
      public List<TargetStatus> getTargets() {
        return call("targets", in -> {
          int count = in.readInt();
          List<TargetStatus> rows = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            rows.add(ControlServer.readRow(in));
          }
          return rows;
        });
      }

      @Override
      public String detach() {
        return call("detach", in -> Wire.readString(in));
      }
    };
  }

  /** The rules, as their MBean would show them. */
  public RulesMBean rules() {
    return new RulesMBean() {
      @Override
      public String getRules() {
        return state().get(0);
      }

      @Override
      public String getSource() {
        return state().get(1);
      }

      @Override
      public String[] getActiveRules() {
        List<String> state = state();
        return state.subList(2, state.size()).toArray(new String[0]);
      }

      @Override
      public void apply(String yaml, String source) {
        call("apply", in -> null, yaml, source);
      }

      @Override
      public void clear() {
        call("clear", in -> null);
      }

      private List<String> state() {
        return call("rules", in -> {
          List<String> values = new ArrayList<>();
          values.add(Wire.readString(in));
          values.add(Wire.readString(in));
          int count = in.readInt();
          for (int i = 0; i < count; i++) {
            values.add(Wire.readString(in));
          }
          return values;
        });
      }
    };
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private <T> T call(String operation, Reader<T> reader, String... args) {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
      out.writeInt(Wire.MAGIC);
      Wire.writeString(out, operation);
      out.writeInt(args.length);
      for (String arg : args) {
        Wire.writeString(out, arg);
      }
      out.flush();
      DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
      byte status = in.readByte();
      if (status == Wire.OK) {
        return reader.read(in);
      }
      String message = Wire.readString(in);
      if (status == Wire.REFUSED) {
        throw new IllegalArgumentException(message);
      }
      throw new IllegalStateException(message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
