package dev.spillway.agent.telemetry;

import dev.spillway.agent.AgentLog;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;

/**
 * The agent's relocated OkHttp, which exports over gRPC (and over HTTP beside the OpenTelemetry
 * agent), runs its connections' work on a pool of its own ({@code TaskRunner}), shared and static,
 * whose idle threads live on for 60 s after their last task: until they end, they hold the agent's
 * class loader, so agents attached and detached in turn stayed loaded. At a detach that pool is
 * told to end its threads now. Only when an OkHttp sender was made: loading OkHttp only to stop
 * it would start {@code java.util.logging}, which its task runner uses.
 */
final class OkHttpThreads {

  /** Relocated with OkHttp by the build, which rewrites this constant too. */
  private static final String TASK_RUNNER = "okhttp3.internal.concurrent.TaskRunner";

  private static volatile boolean used;

  private OkHttpThreads() {}

  /** An OkHttp sender is being made. */
  static void used() {
    used = true;
  }

  /** {@code provider}, which makes OkHttp's gRPC sender, noting when it does. */
  static GrpcSenderProvider noting(GrpcSenderProvider provider) {
    return config -> {
      used();
      return provider.createSender(config);
    };
  }

  /** Ends the task runner's threads, if OkHttp was used. Never throws. */
  static void stop() {
    if (!used) {
      return;
    }
    try {
      Class<?> runner = Class.forName(TASK_RUNNER, true, OkHttpThreads.class.getClassLoader());
      Object instance = runner.getField("INSTANCE").get(null);
      Object backend = runner.getMethod("getBackend").invoke(instance);
      backend.getClass().getMethod("shutdown").invoke(backend);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      AgentLog.debug("could not end OkHttp's task threads", e);
    }
  }
}
