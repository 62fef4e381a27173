package dev.spillway.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.agent.shedding.RulesMBean;
import dev.spillway.agent.status.AgentMXBean;
import dev.spillway.agent.status.TargetStatus;
import java.io.DataOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlServerTest {

  private final TargetStatus row = new TargetStatus("executor", "orders\u001b", "java.util.concurrent.ThreadPoolExecutor",
      3, 10, 2, 2, 7, 1, 100, 5_000_000, "orders-wait");
  private String applied;
  private ControlServer server;

  private final AgentMXBean agent = new AgentMXBean() {
    @Override
    public String getVersion() {
      return "9.9";
    }

    @Override
    public long getStartedAtMillis() {
      return 42;
    }

    @Override
    public List<TargetStatus> getTargets() {
      return List.of(row);
    }

    @Override
    public String detach() {
      return "detached";
    }
  };

  private final RulesMBean rules = new RulesMBean() {
    @Override
    public String getRules() {
      return "rules: []\n";
    }

    @Override
    public String getSource() {
      return "f.yaml";
    }

    @Override
    public String[] getActiveRules() {
      return new String[] {"a", "b"};
    }

    @Override
    public void apply(String yaml, String source) {
      if (yaml.contains("bad")) {
        throw new IllegalArgumentException(source + ":1:1: bad");
      }
      applied = yaml;
    }

    @Override
    public void clear() {
      applied = null;
    }
  };

  @BeforeEach
  void open() {
    server = ControlServer.open(agent, rules);
  }

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void answersWhatTheCommandLineAsks() {
    ControlClient client = new ControlClient(server.socket());

    assertThat(client.agent().getVersion()).isEqualTo("9.9");
    assertThat(client.agent().getStartedAtMillis()).isEqualTo(42);
    TargetStatus got = client.agent().getTargets().get(0);
    assertThat(got.getName()).isEqualTo("orders\u001b");
    assertThat(got.getWaitP99Nanos()).isEqualTo(5_000_000);
    assertThat(got.getRules()).isEqualTo("orders-wait");
    assertThat(client.rules().getActiveRules()).containsExactly("a", "b");
    client.rules().apply("rules: []\n", "x.yaml");
    assertThat(applied).isEqualTo("rules: []\n");
    assertThatThrownBy(() -> client.rules().apply("bad", "y.yaml"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("y.yaml:1:1: bad");
  }

  @Test
  void listensInADirectoryOnlyItsUserMayEnterAndRemovesItOnClose() throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket().getParent())))
        .isEqualTo("rwx------");
    assertThat(System.getProperty(ControlServer.PROPERTY)).isEqualTo(server.socket().toString());

    server.close();

    assertThat(server.socket().getParent()).doesNotExist();
    assertThat(System.getProperty(ControlServer.PROPERTY)).isNull();
  }

  @Test
  void aClientClaimingAHugeStringIsDroppedAndOthersAreStillServed() throws Exception {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(server.socket()));
      DataOutputStream out = new DataOutputStream(Channels.newOutputStream(channel));
      out.writeInt(Wire.MAGIC);
      out.writeInt(Integer.MAX_VALUE);
      out.flush();
      // The server closes the connection instead of allocating 2 GB.
      assertThat(Channels.newInputStream(channel).read()).isEqualTo(-1);
    }

    assertThat(new ControlClient(server.socket()).agent().getVersion()).isEqualTo("9.9");
  }
}
