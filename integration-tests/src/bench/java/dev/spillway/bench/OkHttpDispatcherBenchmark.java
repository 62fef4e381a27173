package dev.spillway.bench;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of an OkHttp call's trip through its {@code Dispatcher}, where the agent times the wait
 * for a slot ({@code enqueue} to {@code AsyncCall.executeOn}) and a rule may refuse: an enqueued call
 * on a dispatcher whose executor runs it at once on the calling thread, answered by an interceptor
 * without touching the network. What is left is OkHttp's own call machinery and the agent's hooks.
 * {@link BenchmarkMain} runs it without the agent and with it, in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OkHttpDispatcherBenchmark {

  private OkHttpClient client;
  private Request request;
  private final Callback callback = new Callback() {
    @Override
    public void onFailure(Call call, IOException e) {
      throw new IllegalStateException(e);
    }

    @Override
    public void onResponse(Call call, Response response) {
      response.close();
    }
  };

  @Setup
  public void start() {
    BenchAgent.awaitStarted();
    ResponseBody empty = ResponseBody.create(new byte[0], MediaType.get("text/plain"));
    client = new OkHttpClient.Builder()
        .dispatcher(new Dispatcher(new CallerRuns()))
        .addInterceptor(chain -> new Response.Builder().request(chain.request()).protocol(Protocol.HTTP_1_1)
            .code(200).message("OK").body(empty).build())
        .build();
    request = new Request.Builder().url("http://127.0.0.1:9/bench").build();
  }

  @Benchmark
  public int enqueueAndRun() {
    client.newCall(request).enqueue(callback);
    return client.dispatcher().runningCallsCount();
  }

  /** Runs each call at once on the calling thread: the dispatcher's slot is free again on return. */
  static final class CallerRuns extends AbstractExecutorService {
    @Override public void execute(Runnable command) { command.run(); }
    @Override public void shutdown() { }
    @Override public List<Runnable> shutdownNow() { return List.of(); }
    @Override public boolean isShutdown() { return false; }
    @Override public boolean isTerminated() { return false; }
    @Override public boolean awaitTermination(long timeout, TimeUnit unit) { return false; }
  }
}
