package dev.spillway.agent.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.agent.executor.ExecutorInstrumentation;
import dev.spillway.agent.queue.QueueInstrumentation;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * The two weavers of the JDK's classes read one list ({@link WovenMethod}): this checks that they
 * make the same methods call the same hooks, class by class, from the JDK this test runs on.
 */
class JdkWeaverTest {

  private static final String HOOKS = "dev/spillway/bootstrap/";

  @Test
  void executorClassesCallTheSameHooksFromEitherWeaver() throws Exception {
    List<WovenMethod> methods = ExecutorInstrumentation.rewrittenAtLoad();
    ClassFileTransformer byteBuddy = AgentInstaller.weaver(List.of(new ExecutorInstrumentation()));
    for (String type : types(methods)) {
      assertSameHooks(type, methods, byteBuddy);
    }
    assertThat(types(methods)).containsExactlyInAnyOrder("java.util.concurrent.ThreadPoolExecutor",
        "java.util.concurrent.ThreadPoolExecutor$Worker", "java.util.concurrent.ScheduledThreadPoolExecutor");
  }

  /** Woven only in an executor that is observed (attach): by Byte Buddy then, here compared all the same. */
  @Test
  void rejectionPoliciesCallTheSameHooksFromEitherWeaver() throws Exception {
    List<WovenMethod> methods = new ArrayList<>(ExecutorInstrumentation.JDK_METHODS);
    methods.removeAll(ExecutorInstrumentation.rewrittenAtLoad());
    ClassFileTransformer byteBuddy = AgentInstaller.weaver(List.of(new ExecutorInstrumentation(() -> true)));
    for (String type : types(methods)) {
      assertSameHooks(type, methods, byteBuddy);
    }
    assertThat(types(methods)).hasSize(4);
  }

  @Test
  void queueClassesCallTheSameHooksFromEitherWeaver() throws Exception {
    List<WovenMethod> methods = QueueInstrumentation.METHODS;
    ClassFileTransformer byteBuddy = AgentInstaller.weaver(List.of(new QueueInstrumentation()));
    for (String type : types(methods)) {
      assertSameHooks(type, methods, byteBuddy);
    }
    assertThat(types(methods)).hasSize(8);
  }

  @Test
  void everyAdviceThatSkipsOrReadsReturnsIsWeavableAndItsHookSitesAreExact() throws Exception {
    Map<String, Set<String>> hooks = hooks(weave("java.util.concurrent.ArrayBlockingQueue", QueueInstrumentation.METHODS));
    assertThat(hooks).containsEntry("offer(Ljava/lang/Object;)Z",
        Set.of("QueueHooks.beforeOffer", "QueueHooks.afterOffer"));
    assertThat(hooks).containsEntry("take()Ljava/lang/Object;", Set.of("QueueHooks.watching", "QueueHooks.afterTake"));
    assertThat(hooks).doesNotContainKey("drainTo(Ljava/util/Collection;)I");
  }

  /**
   * Every return jumps to one exit: written at each of {@code LinkedBlockingQueue.offer}'s returns,
   * the exit advice took it past the 325 bytecodes the JIT inlines a hot method up to.
   */
  @Test
  void theExitAdviceIsWrittenOnceHoweverManyReturnsTheMethodHas() throws Exception {
    String type = "java.util.concurrent.LinkedBlockingQueue";
    String offer = "offer(Ljava/lang/Object;)Z";
    assertThat(instructions(original(type), offer, Opcodes.IRETURN)).as("returns of the JDK's offer").isGreaterThan(1);

    byte[] woven = weave(type, QueueInstrumentation.METHODS);

    assertThat(instructions(woven, offer, Opcodes.IRETURN)).isEqualTo(1);
    assertThat(hookCalls(woven, offer, "afterOffer")).isEqualTo(1);
  }

  private static int instructions(byte[] bytes, String method, int opcode) {
    int[] count = {0};
    visit(bytes, method, new MethodVisitor(Opcodes.ASM9) {
      @Override
      public void visitInsn(int seen) {
        count[0] += seen == opcode ? 1 : 0;
      }
    });
    return count[0];
  }

  private static int hookCalls(byte[] bytes, String method, String hook) {
    int[] count = {0};
    visit(bytes, method, new MethodVisitor(Opcodes.ASM9) {
      @Override
      public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
        count[0] += owner.startsWith(HOOKS) && name.equals(hook) ? 1 : 0;
      }
    });
    return count[0];
  }

  private static void visit(byte[] bytes, String method, MethodVisitor visitor) {
    new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        return (name + descriptor).equals(method) ? visitor : null;
      }
    }, 0);
  }

  @Test
  void aClassItCannotWeaveLoadsUnchangedAndIsSaidOnce() throws IOException {
    List<String> told = new ArrayList<>();
    JdkWeaver weaver = new JdkWeaver(QueueInstrumentation.METHODS, told::add);
    byte[] broken = {(byte) 0xCA, (byte) 0xFE, 1, 2};

    assertThat(weaver.transform(null, null, "java/util/concurrent/ArrayBlockingQueue", null, null, broken)).isNull();
    assertThat(told).isEmpty();
    // Not a bootstrap class: a copy by another loader is not the JDK's.
    assertThat(weaver.transform(null, getClass().getClassLoader(), "java/util/concurrent/ArrayBlockingQueue",
        null, null, original("java.util.concurrent.ArrayBlockingQueue"))).isNull();
  }

  @Test
  void aLocalTheExitReadsMustBeDeclaredAtTheEntry() {
    DirectAdvice undeclared = new DirectAdvice() {
      @Override
      public void exit(MethodCode code) {
        code.loadLocal("started");
      }
    };
    List<WovenMethod> methods = List.of(new WovenMethod("java.util.concurrent.ArrayBlockingQueue",
        Set.of("size"), 0, Object.class, undeclared));
    assertThatThrownBy(() -> JdkWeaver.weave("java/util/concurrent/ArrayBlockingQueue",
        original("java.util.concurrent.ArrayBlockingQueue"), methods, true))
        .hasMessageContaining("no local started");
  }

  private static void assertSameHooks(String type, List<WovenMethod> methods, ClassFileTransformer byteBuddy)
      throws Exception {
    String internal = type.replace('.', '/');
    byte[] original = original(type);
    byte[] byBuddy = byteBuddy.transform(Object.class.getModule(), null, internal, null, null, original.clone());
    assertThat(byBuddy).as("Byte Buddy rewrote " + type).isNotNull();
    Map<String, Set<String>> expected = hooks(byBuddy);
    Map<String, Set<String>> actual = hooks(weave(type, methods));
    assertThat(actual).as(type).isNotEmpty().isEqualTo(expected);
  }

  private static byte[] weave(String type, List<WovenMethod> methods) throws IOException {
    List<String> told = new ArrayList<>();
    JdkWeaver weaver = new JdkWeaver(methods, told::add);
    byte[] woven = weaver.transform(Object.class.getModule(), null, type.replace('.', '/'), null, null,
        original(type));
    assertThat(woven).as("woven " + type).isNotNull();
    assertThat(told).containsExactly(type);
    return woven;
  }

  private static Set<String> types(List<WovenMethod> methods) {
    Set<String> types = new LinkedHashSet<>();
    methods.forEach(method -> types.add(method.type()));
    return types;
  }

  static byte[] original(String type) throws IOException {
    try (InputStream in = Object.class.getModule().getResourceAsStream(type.replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  /** Method (name and descriptor) to the hooks it calls or reads, for the methods that do. */
  static Map<String, Set<String>> hooks(byte[] bytes) {
    Map<String, Set<String>> hooks = new TreeMap<>();
    new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        Consumer<String> found = hook -> hooks.computeIfAbsent(name + descriptor, key -> new TreeSet<>()).add(hook);
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
            if (owner.startsWith(HOOKS)) {
              found.accept(owner.substring(HOOKS.length()) + "." + method);
            }
          }

          @Override
          public void visitFieldInsn(int opcode, String owner, String field, String desc) {
            if (owner.startsWith(HOOKS)) {
              found.accept(owner.substring(HOOKS.length()) + "." + field);
            }
          }
        };
      }
    }, 0);
    return hooks;
  }
}
