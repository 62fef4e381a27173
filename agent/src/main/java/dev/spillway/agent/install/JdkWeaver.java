package dev.spillway.agent.install;

import dev.spillway.agent.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.reflect.Field;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Weaves the JDK classes of the executor and queue families with ASM alone, from their
 * {@link WovenMethod} lists: ready within milliseconds of the hooks, where Byte Buddy's
 * {@code AgentBuilder} takes about a second on a cold JVM. So under {@code -javaagent} the
 * {@code WeavingGate} releases a {@code ThreadPoolExecutor} or a blocking queue that {@code main}
 * loads at once, and holds only the libraries' classes for Byte Buddy, built after.
 *
 * <p>Nothing here loads a class: frames are written by {@link MethodCode}, not computed, and
 * maximum stack and locals are the method's own plus what the advice adds. The methods it does
 * not weave are copied as they are. A class it cannot weave loads unchanged, said once.
 */
public final class JdkWeaver implements ClassFileTransformer {

  /** By internal name of the class. */
  private final Map<String, List<WovenMethod>> byType = new HashMap<>();
  private final Consumer<String> rewritten;

  /** @param rewritten told the binary name of each class it rewrote */
  public JdkWeaver(List<WovenMethod> methods, Consumer<String> rewritten) {
    this.rewritten = rewritten;
    for (WovenMethod method : methods) {
      byType.computeIfAbsent(method.type().replace('.', '/'), n -> new ArrayList<>()).add(method);
    }
  }

  /** Binary names of the classes woven. */
  public Set<String> typeNames() {
    Set<String> names = new java.util.HashSet<>();
    for (String internal : byType.keySet()) {
      names.add(internal.replace('/', '.'));
    }
    return names;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain domain, byte[] classfileBuffer) {
    List<WovenMethod> methods = className == null || loader != null ? null : byType.get(className);
    if (methods == null) {
      return null;
    }
    try {
      // A class loaded before the agent has none of its fields, and a retransformation cannot add one.
      byte[] woven = weave(className, classfileBuffer, methods,
          classBeingRedefined == null || declaresAgentFields(classBeingRedefined));
      String name = className.replace('/', '.');
      rewritten.accept(name);
      // As Byte Buddy's listener says it (TransformListener).
      AgentLog.debug("instrumented " + name + (classBeingRedefined != null ? " (retransformed)" : ""));
      return woven;
    } catch (Throwable t) {
      AgentLog.warnOnce("transform:" + className, "could not instrument " + className.replace('/', '.')
          + ", it runs unchanged: " + t);
      return null;
    }
  }

  /** {@code bytes} with the advice of {@code methods} woven in. */
  /**
   * Whether that loaded class has the fields this weaver adds ({@link MethodCode#UNOBSERVED},
   * {@link MethodCode#STATE}): it was woven here as it loaded. Its original bytecode, without them,
   * could not replace it.
   */
  public static boolean declaresAgentFields(Class<?> type) {
    try {
      for (Field field : type.getDeclaredFields()) {
        if (field.getName().equals(MethodCode.UNOBSERVED) || field.getName().equals(MethodCode.STATE)) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** @param addFields whether the class may get the fields of {@link MethodCode}: not when it is loaded without them */
  static byte[] weave(String className, byte[] bytes, List<WovenMethod> methods, boolean addFields) {
    ClassReader reader = new ClassReader(bytes);
    Map<String, String> fields = new HashMap<>();
    Map<String, Integer> maxLocals = new HashMap<>();
    reader.accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        fields.put(name, descriptor);
        return null;
      }

      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        if (advice(methods, access, name, descriptor).isEmpty()) {
          return null;
        }
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitMaxs(int maxStack, int locals) {
            maxLocals.put(name + descriptor, locals);
          }
        };
      }
    }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    ClassWriter writer = new ClassWriter(reader, 0);
    List<MethodCode> woven = new ArrayList<>();
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
        List<DirectAdvice> advice = advice(methods, access, name, descriptor);
        if (advice.isEmpty()) {
          return method;
        }
        MethodCode code = new MethodCode(method, className, access, name, descriptor,
            maxLocals.get(name + descriptor), advice, fields, addFields);
        woven.add(code);
        return code;
      }

      @Override
      public void visitEnd() {
        // Every retransformation comes here again (WeavingGate), so the fields stay the same.
        boolean marked = false;
        boolean state = false;
        for (MethodCode code : woven) {
          marked |= code.readsMark();
          state |= code.carriesState();
        }
        int access = Opcodes.ACC_PRIVATE | Opcodes.ACC_TRANSIENT | Opcodes.ACC_SYNTHETIC;
        if (marked) {
          super.visitField(access, MethodCode.UNOBSERVED, "Z", null, null).visitEnd();
        }
        if (state) {
          super.visitField(access, MethodCode.STATE, "Ljava/lang/Object;", null, null).visitEnd();
        }
        super.visitEnd();
      }
    }, ClassReader.EXPAND_FRAMES);
    return writer.toByteArray();
  }

  /**
   * The advice woven into that method, in list order; empty for none, for methods without code,
   * and for bridges (as Byte Buddy: a bridge calls the method it stands for, which is woven).
   */
  private static List<DirectAdvice> advice(List<WovenMethod> methods, int access, String name, String descriptor) {
    if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE)) != 0) {
      return List.of();
    }
    int arguments = Type.getArgumentCount(descriptor);
    List<DirectAdvice> advice = new ArrayList<>(1);
    for (WovenMethod method : methods) {
      if (method.matches(name, arguments)) {
        advice.add(method.direct());
      }
    }
    return advice;
  }
}
