package dev.spillway.agent.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;

class JdkCodeTest {

  @Test
  void jdkClassesAreTheBootLayersModules() {
    assertThat(JdkCode.isJdk(String.class)).isTrue();
    assertThat(JdkCode.isJdk(java.net.http.HttpClient.class)).isTrue();
    assertThat(JdkCode.isJdk(JdkCodeTest.class)).isFalse();
    assertThat(JdkCode.isJdk(Glob.class)).isFalse();
  }

  @Test
  void theConcurrencyApiApplicationsBuildWithIsNotJdkInternal() {
    assertThat(JdkCode.isJdkInternal(Executors.defaultThreadFactory().getClass())).isFalse();
    assertThat(JdkCode.isJdkInternal(ThreadPoolExecutor.class)).isFalse();
    assertThat(JdkCode.isJdkInternal(ArrayBlockingQueue.class)).isFalse();
    assertThat(JdkCode.isJdkInternal(Thread.class)).isTrue();
  }

  @Test
  void anExecutorBuiltByTheApplicationThroughTheApiOrReflectionIsNotCalledByJdk() throws Exception {
    assertThat(buildsAndAsks()).isFalse();
    assertThat(JdkCodeTest.class.getDeclaredMethod("buildsAndAsks").invoke(null)).isEqualTo(false);
  }

  static boolean buildsAndAsks() {
    return JdkCode.calledByJdk(ThreadPoolExecutor.class);
  }
}
