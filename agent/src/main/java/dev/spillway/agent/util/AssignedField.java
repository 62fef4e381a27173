package dev.spillway.agent.util;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The field an object is stored into by the code that creates it: for {@code this.inbox = new
 * ArrayBlockingQueue<>(10)} (or a field initializer, or a static field), {@code inbox}. Read from
 * the creating method's bytecode, at the constructor call the stack frame stands at: the
 * instruction right after it is {@code putfield} or {@code putstatic}. Anything else (a local
 * variable, a return, an argument) gives no field.
 *
 * <p>Costs one read of the creating class's class file per creation site, once: the answer is
 * kept by site (names only, nothing that keeps a class loader alive). Never loads a class, never
 * throws.
 */
public final class AssignedField {

  private static final int INVOKESPECIAL = 0xb7;
  private static final int PUTFIELD = 0xb5;
  private static final int PUTSTATIC = 0xb3;
  private static final int GETSTATIC = 0xb2;
  private static final int GETFIELD = 0xb4;
  private static final int INVOKEVIRTUAL = 0xb6;
  private static final int INVOKEINTERFACE = 0xb9;
  /** Beyond this many sites, answers are computed but not kept. */
  private static final int MAX_KEPT = 10_000;
  private static final String NONE = "";

  private static final Map<String, String> BY_SITE = new ConcurrentHashMap<>();
  /** Set while this thread reads a class file: a queue built by that reading gets no field. */
  private static final ThreadLocal<Boolean> READING = new ThreadLocal<>();

  private AssignedField() {}

  /**
   * The field that the instance of {@code created} built by the frame's current instruction is
   * stored into, or null.
   */
  public static String of(StackWalker.StackFrame frame, Class<?> created) {
    return cached(frame, '>', created, () -> find(frame.getDeclaringClass(), frame.getMethodName(),
        frame.getDescriptor(), frame.getByteCodeIndex(), created.getName()));
  }

  /**
   * The answer for this frame's site and class, read once ({@code read} may return null) and kept
   * by site; null while this thread is already reading a class file (a queue that reading builds).
   */
  private static String cached(StackWalker.StackFrame frame, char question, Class<?> type, Supplier<String> read) {
    try {
      String site = frame.getClassName() + '#' + frame.getMethodName() + frame.getDescriptor() + '@'
          + frame.getByteCodeIndex() + question + type.getName();
      String known = BY_SITE.get(site);
      if (known == null) {
        if (READING.get() != null) {
          return null;
        }
        READING.set(Boolean.TRUE);
        try {
          String found = read.get();
          known = found == null ? NONE : found;
        } finally {
          READING.remove();
        }
        if (BY_SITE.size() < MAX_KEPT) {
          BY_SITE.put(site, known);
        }
      }
      return known.isEmpty() ? null : known;
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /**
   * The field whose object the frame's current call is made on, as {@code owner.Class.field}: for
   * {@code this.inbox.offer(x)} (the receiver loaded by {@code getfield} or {@code getstatic} right
   * before the call's arguments), {@code com.acme.Pipeline.inbox}, where {@code owner.Class} is the
   * class the bytecode names the field by. Only fields whose declared type is {@code type} or one
   * of its supertypes count; a receiver kept in a local variable or returned by a method gives
   * null. Lets a queue first met at an insert (after an attach) take the name its creation would
   * have given it.
   */
  public static String receiverField(StackWalker.StackFrame frame, Class<?> type) {
    return cached(frame, '<', type, () -> findReceiver(frame.getDeclaringClass(), frame.getMethodName(),
        frame.getDescriptor(), frame.getByteCodeIndex(), descriptors(type)));
  }

  /** Field descriptors of {@code type} and every class and interface above it. */
  private static Set<String> descriptors(Class<?> type) {
    Set<String> names = new HashSet<>();
    ArrayDeque<Class<?>> todo = new ArrayDeque<>();
    todo.add(type);
    while (!todo.isEmpty()) {
      Class<?> next = todo.poll();
      if (names.add('L' + next.getName().replace('.', '/') + ';')) {
        if (next.getSuperclass() != null) {
          todo.add(next.getSuperclass());
        }
        todo.addAll(Arrays.asList(next.getInterfaces()));
      }
    }
    return names;
  }

  /** As {@link #receiverField}, from the parts of a frame; visible for tests. */
  static String findReceiver(Class<?> owner, String method, String descriptor, int bci,
      Set<String> fieldTypes) {
    return withCode(owner, method, descriptor, (file, code) -> {
      if (bci < 0 || bci >= code.length
          || ((code[bci] & 0xff) != INVOKEVIRTUAL && (code[bci] & 0xff) != INVOKEINTERFACE)) {
        return null;
      }
      // The last load of a field of the queue's type before the call, within the statement:
      // a store, branch, return or throw in between ends it.
      String found = null;
      for (int pc = 0; pc < bci; pc += length(code, pc)) {
        int op = code[pc] & 0xff;
        if (op == GETFIELD || op == GETSTATIC) {
          int ref = u2(code, pc + 1);
          if (fieldTypes.contains(file.memberDescriptor(ref))) {
            found = file.memberClass(ref).replace('/', '.') + '.' + file.memberName(ref);
          }
        } else if (endsStatement(op)) {
          found = null;
        }
      }
      return found;
    });
  }

  private static boolean endsStatement(int op) {
    return (op >= 0x36 && op <= 0x4e) // stores
        || (op >= 0x99 && op <= 0xb1) // branches, switches, returns
        || op == 0xbf || op == 0xc6 || op == 0xc7 || op == 0xc8; // athrow, ifnull, ifnonnull, goto_w
  }

  /** The length of the instruction at {@code pc}. */
  private static int length(byte[] code, int pc) {
    int op = code[pc] & 0xff;
    switch (op) {
      case 0x10: case 0x12: case 0x15: case 0x16: case 0x17: case 0x18: case 0x19:
      case 0x36: case 0x37: case 0x38: case 0x39: case 0x3a: case 0xa9: case 0xbc:
        return 2;
      case 0x11: case 0x13: case 0x14: case 0x84: case 0xbb: case 0xbd: case 0xc0: case 0xc1:
      case 0xc6: case 0xc7:
        return 3;
      case 0xc5:
        return 4;
      case 0xb9: case 0xba: case 0xc8: case 0xc9:
        return 5;
      case 0xc4:
        return (code[pc + 1] & 0xff) == 0x84 ? 6 : 4;
      case 0xaa: {
        int at = pc + 1 + ((4 - (pc + 1) % 4) % 4);
        int low = s4(code, at + 4);
        int high = s4(code, at + 8);
        return at - pc + 12 + (high - low + 1) * 4;
      }
      case 0xab: {
        int at = pc + 1 + ((4 - (pc + 1) % 4) % 4);
        return at - pc + 8 + s4(code, at + 4) * 8;
      }
      default:
        return (op >= 0x99 && op <= 0xa8) || (op >= 0xb2 && op <= 0xb8) ? 3 : 1;
    }
  }

  private static int s4(byte[] code, int at) {
    return (u2(code, at) << 16) | u2(code, at + 2);
  }

  /** As {@link #of}, from the parts of a frame; visible for tests. */
  static String find(Class<?> owner, String method, String descriptor, int bci, String createdClass) {
    return withCode(owner, method, descriptor, (file, code) -> {
      if (bci < 0 || bci + 6 > code.length || (code[bci] & 0xff) != INVOKESPECIAL) {
        return null;
      }
      int constructor = u2(code, bci + 1);
      if (!"<init>".equals(file.memberName(constructor))
          || !createdClass.replace('.', '/').equals(file.memberClass(constructor))) {
        return null;
      }
      int next = code[bci + 3] & 0xff;
      return next == PUTFIELD || next == PUTSTATIC ? file.memberName(u2(code, bci + 4)) : null;
    });
  }

  /** Reads the owner's class file and hands the method's code to {@code reader}; null on any failure. */
  private static String withCode(Class<?> owner, String method, String descriptor,
      BiFunction<ClassFile, byte[], String> reader) {
    String resource = owner.getName().substring(owner.getName().lastIndexOf('.') + 1) + ".class";
    try (InputStream in = owner.getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      ClassFile file = new ClassFile(new DataInputStream(in));
      byte[] code = file.code(method, descriptor);
      return code == null ? null : reader.apply(file, code);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static int u2(byte[] code, int at) {
    return ((code[at] & 0xff) << 8) | (code[at + 1] & 0xff);
  }

  /** Just enough of a class file: its constant pool and the code of its methods. */
  private static final class ClassFile {
    private final Object[] pool;
    private final int[][] refs;
    private final DataInputStream in;

    ClassFile(DataInputStream in) throws IOException {
      this.in = in;
      if (in.readInt() != 0xCAFEBABE) {
        throw new IOException("not a class file");
      }
      in.readInt();
      int count = in.readUnsignedShort();
      pool = new Object[count];
      refs = new int[count][];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1: pool[i] = in.readUTF(); break;
          case 7: case 8: case 16: case 19: case 20: refs[i] = new int[] {in.readUnsignedShort()}; break;
          case 3: case 4: in.readInt(); break;
          case 5: case 6: in.readLong(); i++; break;
          case 9: case 10: case 11: case 12: case 17: case 18:
            refs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
            break;
          case 15: in.readUnsignedByte(); in.readUnsignedShort(); break;
          default: throw new IOException("constant pool tag " + tag);
        }
      }
      in.readUnsignedShort();
      in.readUnsignedShort();
      in.readUnsignedShort();
      skip(in.readUnsignedShort() * 2);
      int fields = in.readUnsignedShort();
      for (int i = 0; i < fields; i++) {
        in.readUnsignedShort();
        in.readUnsignedShort();
        in.readUnsignedShort();
        skipAttributes();
      }
    }

    /** The bytecode of the method, or null; reads the methods, so call it once. */
    byte[] code(String name, String descriptor) throws IOException {
      int methods = in.readUnsignedShort();
      for (int i = 0; i < methods; i++) {
        in.readUnsignedShort();
        Object methodName = pool[in.readUnsignedShort()];
        Object methodDescriptor = pool[in.readUnsignedShort()];
        boolean wanted = name.equals(methodName) && descriptor.equals(methodDescriptor);
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
          Object attribute = pool[in.readUnsignedShort()];
          int length = in.readInt();
          if (wanted && "Code".equals(attribute)) {
            in.readUnsignedShort();
            in.readUnsignedShort();
            byte[] code = new byte[in.readInt()];
            in.readFully(code);
            return code;
          }
          skip(length);
        }
      }
      return null;
    }

    /** The name of the field or method a Fieldref or Methodref entry names. */
    String memberName(int ref) {
      return (String) pool[refs[refs[ref][1]][0]];
    }

    /** The descriptor of the field or method a Fieldref or Methodref entry names. */
    String memberDescriptor(int ref) {
      return (String) pool[refs[refs[ref][1]][1]];
    }

    /** The internal name of the class a Fieldref or Methodref entry belongs to. */
    String memberClass(int ref) {
      return (String) pool[refs[refs[ref][0]][0]];
    }

    private void skipAttributes() throws IOException {
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        in.readUnsignedShort();
        skip(in.readInt());
      }
    }

    private void skip(long bytes) throws IOException {
      long left = bytes;
      while (left > 0) {
        long skipped = in.skip(left);
        if (skipped <= 0) {
          in.readByte();
          skipped = 1;
        }
        left -= skipped;
      }
    }
  }
}
