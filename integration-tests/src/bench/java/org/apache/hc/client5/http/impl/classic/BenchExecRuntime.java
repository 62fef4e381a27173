package org.apache.hc.client5.http.impl.classic;

import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.slf4j.LoggerFactory;

/**
 * HttpClient 5's exec runtime, which is package-private: the object whose
 * {@code acquireEndpoint} leases from the pool and waits, as every classic request does
 * (HttpClientPoolBenchmark).
 */
public final class BenchExecRuntime {
  private BenchExecRuntime() {}

  public static ExecRuntime create(HttpClientConnectionManager manager) {
    return new InternalExecRuntime(LoggerFactory.getLogger(BenchExecRuntime.class), manager,
        new HttpRequestExecutor(), new HttpGet("/"));
  }
}
