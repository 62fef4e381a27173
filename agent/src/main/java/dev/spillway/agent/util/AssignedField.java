package dev.spillway.agent.util;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    try {
      String site = frame.getClassName() + '#' + frame.getMethodName() + frame.getDescriptor() + '@'
          + frame.getByteCodeIndex() + '>' + created.getName();
      String known = BY_SITE.get(site);
      if (known == null) {
        if (READING.get() != null) {
          return null;
        }
        READING.set(Boolean.TRUE);
        try {
          String found = find(frame.getDeclaringClass(), frame.getMethodName(), frame.getDescriptor(),
              frame.getByteCodeIndex(), created.getName());
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

  /** As {@link #of}, from the parts of a frame; visible for tests. */
  static String find(Class<?> owner, String method, String descriptor, int bci, String createdClass) {
    String resource = owner.getName().substring(owner.getName().lastIndexOf('.') + 1) + ".class";
    try (InputStream in = owner.getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      ClassFile file = new ClassFile(new DataInputStream(in));
      byte[] code = file.code(method, descriptor);
      if (code == null || bci < 0 || bci + 6 > code.length || (code[bci] & 0xff) != INVOKESPECIAL) {
        return null;
      }
      int constructor = u2(code, bci + 1);
      if (!"<init>".equals(file.memberName(constructor))
          || !createdClass.replace('.', '/').equals(file.memberClass(constructor))) {
        return null;
      }
      int next = code[bci + 3] & 0xff;
      return next == PUTFIELD || next == PUTSTATIC ? file.memberName(u2(code, bci + 4)) : null;
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
