package dev.spillway.it.support;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a class file names and declares, read straight from its bytes (JVMS chapter 4): the
 * classes and member references of its constant pool, and its own fields and methods. Enough to
 * check that relocated code only calls what exists; no bytecode library needed.
 */
public final class ClassFile {

  private static final int UTF8 = 1;
  private static final int INTEGER = 3;
  private static final int FLOAT = 4;
  private static final int LONG = 5;
  private static final int DOUBLE = 6;
  private static final int CLASS = 7;
  private static final int STRING = 8;
  private static final int FIELDREF = 9;
  private static final int METHODREF = 10;
  private static final int INTERFACE_METHODREF = 11;
  private static final int NAME_AND_TYPE = 12;
  private static final int METHOD_HANDLE = 15;
  private static final int METHOD_TYPE = 16;
  private static final int DYNAMIC = 17;
  private static final int INVOKE_DYNAMIC = 18;
  private static final int MODULE = 19;
  private static final int PACKAGE = 20;

  /** A field or method reference in the constant pool: {@code owner.name descriptor}. */
  public record Ref(Kind kind, String owner, String name, String descriptor) {
    public enum Kind { FIELD, METHOD, INTERFACE_METHOD }

    /** {@code name descriptor}, as a member of the owner is declared. */
    public String member() {
      return name + descriptor;
    }
  }

  private final String name;
  private final Set<String> classes;
  private final List<Ref> refs;
  private final Set<String> fields;
  private final Set<String> methods;

  private ClassFile(String name, Set<String> classes, List<Ref> refs, Set<String> fields, Set<String> methods) {
    this.name = name;
    this.classes = classes;
    this.refs = refs;
    this.fields = fields;
    this.methods = methods;
  }

  public static ClassFile parse(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file (bad magic)");
    }
    in.readUnsignedShort(); // minor version
    in.readUnsignedShort(); // major version
    int count = in.readUnsignedShort();
    int[] tags = new int[count];
    int[] first = new int[count];
    int[] second = new int[count];
    String[] utf8 = new String[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      tags[i] = tag;
      switch (tag) {
        case UTF8: utf8[i] = in.readUTF(); break; // u2 length + modified UTF-8, as readUTF expects
        case INTEGER: case FLOAT: in.readInt(); break;
        case LONG: case DOUBLE: in.readLong(); i++; break; // takes two entries
        case CLASS: case STRING: case METHOD_TYPE: case MODULE: case PACKAGE:
          first[i] = in.readUnsignedShort();
          break;
        case FIELDREF: case METHODREF: case INTERFACE_METHODREF: case NAME_AND_TYPE: case DYNAMIC:
        case INVOKE_DYNAMIC:
          first[i] = in.readUnsignedShort();
          second[i] = in.readUnsignedShort();
          break;
        case METHOD_HANDLE:
          first[i] = in.readUnsignedByte();
          second[i] = in.readUnsignedShort();
          break;
        default:
          throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
      }
    }
    Set<String> classes = new LinkedHashSet<>();
    List<Ref> refs = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      if (tags[i] == CLASS) {
        classes.add(utf8[first[i]]);
      } else if (tags[i] == FIELDREF || tags[i] == METHODREF || tags[i] == INTERFACE_METHODREF) {
        Ref.Kind kind = tags[i] == FIELDREF ? Ref.Kind.FIELD
            : tags[i] == METHODREF ? Ref.Kind.METHOD : Ref.Kind.INTERFACE_METHOD;
        int nameAndType = second[i];
        refs.add(new Ref(kind, utf8[first[first[i]]], utf8[first[nameAndType]], utf8[second[nameAndType]]));
      }
    }
    in.readUnsignedShort(); // access flags
    String name = utf8[first[in.readUnsignedShort()]];
    in.readUnsignedShort(); // super class
    int interfaces = in.readUnsignedShort();
    for (int i = 0; i < interfaces; i++) {
      in.readUnsignedShort();
    }
    Set<String> fields = readMembers(in, utf8);
    Set<String> methods = readMembers(in, utf8);
    return new ClassFile(name, Collections.unmodifiableSet(classes), Collections.unmodifiableList(refs),
        fields, methods);
  }

  /** A fields or methods table, as {@code name descriptor} strings; attributes skipped. */
  private static Set<String> readMembers(DataInputStream in, String[] utf8) throws IOException {
    int count = in.readUnsignedShort();
    Set<String> members = new LinkedHashSet<>();
    for (int i = 0; i < count; i++) {
      in.readUnsignedShort(); // access flags
      String name = utf8[in.readUnsignedShort()];
      String descriptor = utf8[in.readUnsignedShort()];
      members.add(name + descriptor);
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        in.readUnsignedShort(); // attribute name
        in.skipNBytes(Integer.toUnsignedLong(in.readInt()));
      }
    }
    return Collections.unmodifiableSet(members);
  }

  /** This class, in internal form: {@code dev/spillway/agent/telemetry/PatchLogger}. */
  public String name() {
    return name;
  }

  /** Every class named by a CONSTANT_Class entry (array classes as descriptors: {@code [Lx/Y;}). */
  public Set<String> classes() {
    return classes;
  }

  /** Every field and method reference. */
  public List<Ref> refs() {
    return refs;
  }

  /** Declared fields, as {@code name descriptor}: {@code LOGGERSLjava/util/concurrent/ConcurrentMap;}. */
  public Set<String> fields() {
    return fields;
  }

  /** Declared methods, as {@code name descriptor}: {@code info(Ljava/lang/String;)V}. */
  public Set<String> methods() {
    return methods;
  }
}
