package dev.spillway.agent.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.agent.queue.QueueInstrumentation;
import dev.spillway.bootstrap.QueueHooks;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bytecode {@link MethodCode} writes, loaded by an application class loader, so that the JVM
 * verifies it (it does not verify the JDK's own classes by default), and run: the queue family's
 * real advice, woven into {@link WeaveTarget} as into {@code ArrayBlockingQueue}.
 */
class MethodCodeTest {

  private static final String TARGET = WeaveTarget.class.getName();

  private final List<String> calls = new ArrayList<>();

  @AfterEach
  void noHooks() {
    QueueHooks.install(null);
    QueueHooks.watching = false;
  }

  @Test
  void wovenCodePassesTheVerifierAndCallsTheHooksAsTheAdviceSays() throws Throwable {
    Class<?> woven = woven();
    QueueHooks.watching = true;
    QueueHooks.install(recorder(Long.MIN_VALUE + 2));

    Object queue = woven.getConstructor(int.class).newInstance(1);
    assertThat(calls).containsExactly("onConstructed");

    calls.clear();
    assertThat(call(queue, "offer", "a")).isEqualTo(true);
    assertThat(calls).containsExactly("beforeOffer a", "afterOffer a true " + (Long.MIN_VALUE + 2));

    calls.clear();
    assertThat(call(queue, "offer", "b")).isEqualTo(false);
    assertThat(calls).containsExactly("beforeOffer b", "afterOffer b false " + (Long.MIN_VALUE + 2));

    calls.clear();
    assertThatThrownBy(() -> call(queue, "add", "c")).isInstanceOf(IllegalStateException.class).hasMessage("full");
    assertThat(calls).containsExactly("beforeOffer c", "afterOffer c false " + (Long.MIN_VALUE + 2), "onAddRefused");

    calls.clear();
    assertThat(call(queue, "poll")).isEqualTo("a");
    assertThat(call(queue, "poll")).isNull();
    assertThat(calls).containsExactly("afterTake a");
  }

  @Test
  void aMarkedObjectCallsNoHookAndKeepsItsOwnBehaviour() throws Throwable {
    Class<?> woven = woven();
    java.lang.reflect.Field mark = woven.getDeclaredField(MethodCode.UNOBSERVED);
    assertThat(java.lang.reflect.Modifier.isPrivate(mark.getModifiers())
        && java.lang.reflect.Modifier.isTransient(mark.getModifiers()) && mark.isSynthetic()).isTrue();
    QueueHooks.watching = true;
    QueueHooks.install(recorder(Long.MIN_VALUE + 2));
    Object queue = woven.getConstructor(int.class).newInstance(1);
    mark.setAccessible(true);
    mark.setBoolean(queue, true);

    calls.clear();
    assertThat(call(queue, "offer", "a")).isEqualTo(true);
    assertThat(call(queue, "offer", "b")).isEqualTo(false);
    assertThat(call(queue, "poll")).isEqualTo("a");
    call(queue, "put", "c");
    assertThat(call(queue, "poll")).isEqualTo("c");
    assertThat(calls).isEmpty();

    mark.setBoolean(queue, false);
    assertThat(call(queue, "offer", "d")).isEqualTo(true);
    assertThat(calls).containsExactly("beforeOffer d", "afterOffer d true " + (Long.MIN_VALUE + 2));
  }

  /** A class loaded before the agent is retransformed: it cannot get a field, so its hooks always run. */
  @Test
  void aClassLoadedWithoutTheMarkIsWovenWithoutIt() throws Throwable {
    Class<?> woven = woven(false);
    assertThat(woven.getDeclaredFields()).noneMatch(field -> field.getName().startsWith("spillway$"));
    QueueHooks.watching = true;
    QueueHooks.install(recorder(Long.MIN_VALUE + 2));
    Object queue = woven.getConstructor(int.class).newInstance(1);
    calls.clear();
    assertThat(call(queue, "offer", "a")).isEqualTo(true);
    assertThat(calls).containsExactly("beforeOffer a", "afterOffer a true " + (Long.MIN_VALUE + 2));
  }

  @Test
  void aRefusalSkipsTheMethodAndReturnsFalseThroughTheExitAdvice() throws Throwable {
    Class<?> woven = woven();
    QueueHooks.watching = true;
    QueueHooks.install(recorder(QueueHooks.REFUSE));
    Object queue = woven.getConstructor().newInstance();

    calls.clear();
    assertThat(call(queue, "offer", "a")).isEqualTo(false);
    assertThat(calls).containsExactly("beforeOffer a", "afterOffer a false " + QueueHooks.REFUSE);
    assertThat(call(queue, "poll")).isNull(); // the element never went in
  }

  @Test
  void aFailingHookNeverReachesTheApplication() throws Throwable {
    Class<?> woven = woven();
    QueueHooks.watching = true;
    QueueHooks.install(new Recorder(calls, 0) {
      @Override
      public long beforeOffer(Object queue, Object element) {
        throw new IllegalStateException("ours");
      }

      @Override
      public void afterTake(Object queue, Object element) {
        throw new StackOverflowError("ours");
      }
    });
    Object queue = woven.getConstructor().newInstance();

    assertThat(call(queue, "offer", "a")).isEqualTo(true);
    assertThat(call(queue, "poll")).isEqualTo("a");
    call(queue, "put", "b");
    assertThat(call(queue, "poll")).isEqualTo("b");
  }

  private Class<?> woven() throws Exception {
    return woven(true);
  }

  private Class<?> woven(boolean addFields) throws Exception {
    List<WovenMethod> methods = new ArrayList<>();
    for (WovenMethod method : QueueInstrumentation.METHODS) {
      if (method.type().equals("java.util.concurrent.ArrayBlockingQueue")
          || method.type().equals("java.util.AbstractQueue")) {
        methods.add(new WovenMethod(TARGET, method.names(), method.arguments(), method.advice(),
            method.operation(), method.direct()));
      }
    }
    byte[] original;
    try (InputStream in = WeaveTarget.class.getResourceAsStream("WeaveTarget.class")) {
      original = in.readAllBytes();
    }
    byte[] bytes = JdkWeaver.weave(TARGET.replace('.', '/'), original, methods, addFields);
    assertThat(JdkWeaverTest.hooks(bytes)).containsOnlyKeys("<init>()V", "<init>(I)V",
        "offer(Ljava/lang/Object;)Z", "add(Ljava/lang/Object;)Z", "poll()Ljava/lang/Object;",
        "put(Ljava/lang/Object;)V");
    ClassLoader loader = new ClassLoader(getClass().getClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.equals(TARGET)) {
          return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
          Class<?> loaded = findLoadedClass(name);
          return loaded != null ? loaded : defineClass(name, bytes, 0, bytes.length);
        }
      }
    };
    // Initialized, so linked and verified now: a bad frame fails here, with a VerifyError.
    Class<?> woven = Class.forName(TARGET, true, loader);
    assertThat(woven.getClassLoader()).isSameAs(loader);
    return woven;
  }

  private static Object call(Object target, String name, Object... args) throws Throwable {
    Class<?>[] types = new Class<?>[args.length];
    java.util.Arrays.fill(types, Object.class);
    try {
      return target.getClass().getMethod(name, types).invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Recorder recorder(long started) {
    return new Recorder(calls, started);
  }

  /** Records the hooks called; every offer and put starts at {@code started}. */
  private static class Recorder implements QueueHooks.Delegate {
    private final List<String> calls;
    private final long started;

    Recorder(List<String> calls, long started) {
      this.calls = calls;
      this.started = started;
    }

    @Override public void onConstructed(Object queue) {
      calls.add("onConstructed");
    }

    @Override public long beforeOffer(Object queue, Object element) {
      calls.add("beforeOffer " + element);
      return started;
    }

    @Override public void afterOffer(Object queue, Object element, boolean inserted, long startedAt, int operation) {
      calls.add("afterOffer " + element + " " + inserted + " " + startedAt);
    }

    @Override public long beforePut(Object queue, Object element) {
      calls.add("beforePut " + element);
      return started;
    }

    @Override public void afterPut(Object queue, Object element, long startedAt) {
      calls.add("afterPut " + element + " " + startedAt);
    }

    @Override public void afterTake(Object queue, Object element) {
      calls.add("afterTake " + element);
    }

    @Override public void onAddRefused(Object queue) {
      calls.add("onAddRefused");
    }
  }
}
