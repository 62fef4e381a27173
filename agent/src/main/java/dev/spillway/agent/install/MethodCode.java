package dev.spillway.agent.install;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.TypePath;

/**
 * One method being woven by the {@link JdkWeaver}: passes the method's own code through and
 * inlines its {@link DirectAdvice}s, and is what the advice writes its bytecode with.
 *
 * <p><b>Frames are written here, never computed</b> (computing them would make ASM load classes
 * to find common supertypes, inside a transformer). The class is read with expanded frames;
 * each frame the method has keeps its locals and gains, past the method's own locals, the locals
 * the advice carries from its entry to its exit (set at the entry, before any code of the method,
 * and never changed after). The code the advice adds declares its own frames: at the entry the
 * method's arguments and the carried locals; at an exit or a thrown exception {@code this}, the
 * carried locals and the value returned or thrown, every other local unused (top), since nothing
 * after them but the return or the throw reads one.
 *
 * <p>The handlers of the advice's {@code try/catch} come first in the exception table, so a failure
 * of ours is never caught by a handler of the method (a {@code finally} unlocking twice); the
 * handler of {@link DirectAdvice#thrownType} comes last, around the method's own code and handlers.
 */
public final class MethodCode extends MethodVisitor {

  /** The mark's field, private, transient and synthetic: see {@link #jumpIfUnobserved}. */
  public static final String UNOBSERVED = "spillway$unobserved";
  /** The state's field: see {@link #carryState}. */
  public static final String STATE = "spillway$state";

  private static final Object[] NO_STACK = {};
  private static final String THROWABLE = "java/lang/Throwable";

  private record TryCatch(Label start, Label end, Label handler, String type) {}

  private record TryCatchAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {}

  private enum Region { ENTRY, EXIT, THROWN }

  private final String owner;
  private final boolean constructor;
  private final Type[] argumentTypes;
  private final Type returnType;
  /** The method's own locals: slots below this are its, the advice's start here. */
  private final int firstFree;
  private final List<DirectAdvice> advice;
  private final Map<String, String> fieldDescriptors;

  /** The entry frame's locals by slot: this, arguments, tops to {@link #firstFree}, then carried. */
  private final List<Object> entrySlots = new ArrayList<>();
  /** Carried locals: name to slot; their frame types are in {@link #entrySlots}. */
  private final Map<String, Integer> carried = new HashMap<>();
  private final Map<String, Type> carriedTypes = new HashMap<>();
  private final List<TryCatch> ours = new ArrayList<>();
  private final List<Object> theirs = new ArrayList<>();
  private final List<TryCatch> around = new ArrayList<>();
  private final boolean hasExit;
  private final DirectAdvice thrownAdvice;
  private Region region = Region.ENTRY;
  /** Slot of the value returned or thrown, in exit code; past the carried locals. */
  private int valueSlot = -1;
  private Type valueType;
  /** The frame of the method's first instruction is due (a jump of the entry code lands there). */
  private boolean entryFrameDue;
  private Label aroundStart;
  /** The one exit every return jumps to, written after the method's code; null until a return. */
  private Label exit;
  private boolean readsMark;
  private boolean carriesState;
  /** Whether the class may get fields: not when retransforming a class loaded without them. */
  private final boolean addsFields;

  MethodCode(MethodVisitor writer, String owner, int access, String name, String descriptor, int maxLocals,
      List<DirectAdvice> advice, Map<String, String> fieldDescriptors, boolean addsFields) {
    super(Opcodes.ASM9, writer);
    this.addsFields = addsFields;
    this.owner = owner;
    this.constructor = name.equals(WovenMethod.CONSTRUCTOR);
    if ((access & Opcodes.ACC_STATIC) != 0) {
      throw new IllegalStateException("static methods are not woven: " + owner + "." + name);
    }
    this.argumentTypes = Type.getArgumentTypes(descriptor);
    this.returnType = Type.getReturnType(descriptor);
    this.firstFree = maxLocals;
    this.advice = advice;
    this.fieldDescriptors = fieldDescriptors;
    boolean exits = false;
    DirectAdvice onThrown = null;
    for (DirectAdvice each : advice) {
      exits |= overrides(each, "exit");
      if (constructor && overrides(each, "enter")) {
        // Before the super constructor's call, this is not yet an object the hooks may see.
        throw new IllegalStateException("no entry advice in a constructor: " + owner);
      }
      if (each.thrownType() != null) {
        if (onThrown != null || constructor) {
          throw new IllegalStateException("one thrown advice at most, not in a constructor: " + owner + "." + name);
        }
        onThrown = each;
      }
    }
    this.hasExit = exits;
    this.thrownAdvice = onThrown;
    entrySlots.add(constructor ? Opcodes.UNINITIALIZED_THIS : owner);
    for (Type argument : argumentTypes) {
      addSlots(entrySlots, argument);
    }
    while (entrySlots.size() < firstFree) {
      entrySlots.add(Opcodes.TOP);
    }
  }

  private static boolean overrides(DirectAdvice advice, String method) {
    try {
      return advice.getClass().getMethod(method, MethodCode.class).getDeclaringClass() != DirectAdvice.class;
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- what the advice writes with

  /** What a hook is given: {@code this}, an argument, a field of {@code this}, a carried local, the returned value. */
  public record Value(char kind, String name, int index) {
    public static final Value THIS = new Value('t', null, 0);
    public static final Value RETURNED = new Value('r', null, 0);

    public static Value argument(int index) {
      return new Value('a', null, index);
    }

    public static Value field(String name) {
      return new Value('f', name, 0);
    }

    public static Value local(String name) {
      return new Value('l', name, 0);
    }
  }

  /** Pushes that value. */
  public void load(Value value) {
    switch (value.kind) {
      case 't': loadThis(); break;
      case 'r': loadReturned(); break;
      case 'a': loadArgument(value.index); break;
      case 'f': loadField(value.name); break;
      default: loadLocal(value.name);
    }
  }

  /** {@code try { hook(values) } catch (Throwable ignored) {}}: a suppressed advice that calls one hook. */
  public void callSuppressed(String hooks, String hook, String descriptor, Value... values) {
    Label[] suppressed = beginSuppressed();
    for (Value value : values) {
      load(value);
    }
    invokeStatic(hooks, hook, descriptor);
    endSuppressed(suppressed);
  }

  /** Pushes {@code this}. */
  public void loadThis() {
    flushEntryFrame();
    super.visitVarInsn(Opcodes.ALOAD, 0);
  }

  /** Pushes argument {@code index}: at an exit, its value at the entry (kept by {@link #keepArgument}). */
  public void loadArgument(int index) {
    flushEntryFrame();
    if (region == Region.ENTRY) {
      super.visitVarInsn(argumentTypes[index].getOpcode(Opcodes.ILOAD), argumentSlot(index));
    } else {
      loadLocal(argumentKey(index));
    }
  }

  /** At the entry: keeps argument {@code index} as it is now for the exit, as Byte Buddy's advice sees it. */
  public void keepArgument(int index) {
    String key = argumentKey(index);
    declare(key, argumentTypes[index]);
    super.visitVarInsn(argumentTypes[index].getOpcode(Opcodes.ILOAD), argumentSlot(index));
    storeLocal(key);
  }

  /** Pushes field {@code name} of {@code this}. */
  public void loadField(String name) {
    String descriptor = fieldDescriptors.get(name);
    if (descriptor == null) {
      throw new IllegalStateException(owner + " has no field " + name);
    }
    loadThis();
    super.visitFieldInsn(Opcodes.GETFIELD, owner, name, descriptor);
  }

  /**
   * Jumps to {@code label} when this object carries the {@link #UNOBSERVED} mark: a field the
   * {@link JdkWeaver} adds to the class, set on the objects whose hooks have nothing to do (an
   * executor's work queue), so that they cost one field read. Byte Buddy's advice has no such
   * field (after an attach the class is loaded already): its hooks run and find them ignored.
   */
  public void jumpIfUnobserved(Label label) {
    if (constructor) {
      throw new IllegalStateException("no mark to read in a constructor: " + owner);
    }
    if (!addsFields) {
      return; // loaded without the field: the hooks always run
    }
    readsMark = true;
    loadThis();
    super.visitFieldInsn(Opcodes.GETFIELD, owner, UNOBSERVED, "Z");
    super.visitJumpInsn(Opcodes.IFNE, label);
  }

  /**
   * The class gets a field {@link #STATE} (an {@code Object}, private, transient and synthetic),
   * which the woven code does not read: the agent keeps its state for the object there, and reads
   * it in its hooks (an executor's tracker), one field read instead of a registry lookup.
   */
  public void carryState() {
    carriesState = addsFields;
  }

  boolean carriesState() {
    return carriesState;
  }

  /** Whether the advice read the {@link #UNOBSERVED} mark: the weaver then adds the field. */
  boolean readsMark() {
    return readsMark;
  }

  /** Pushes a static field of another class (a hook class's flag). */
  public void loadStatic(String fieldOwner, String name, String descriptor) {
    flushEntryFrame();
    super.visitFieldInsn(Opcodes.GETSTATIC, fieldOwner, name, descriptor);
  }

  /** At the entry: a local carried to the exit, set to 0, false or null now (as Byte Buddy's locals start). */
  public void local(String name, Type type) {
    declare(name, type);
    flushEntryFrame();
    switch (type.getSort()) {
      case Type.LONG: super.visitInsn(Opcodes.LCONST_0); break;
      case Type.DOUBLE: super.visitInsn(Opcodes.DCONST_0); break;
      case Type.FLOAT: super.visitInsn(Opcodes.FCONST_0); break;
      case Type.OBJECT: case Type.ARRAY: super.visitInsn(Opcodes.ACONST_NULL); break;
      default: super.visitInsn(Opcodes.ICONST_0);
    }
    storeLocal(name);
  }

  public void storeLocal(String name) {
    int slot = slot(name);
    flushEntryFrame();
    super.visitVarInsn(carriedTypes.get(name).getOpcode(Opcodes.ISTORE), slot);
  }

  public void loadLocal(String name) {
    int slot = slot(name);
    flushEntryFrame();
    super.visitVarInsn(carriedTypes.get(name).getOpcode(Opcodes.ILOAD), slot);
  }

  /** At an exit: pushes the value the method returns. */
  public void loadReturned() {
    if (region != Region.EXIT || valueType == null) {
      throw new IllegalStateException("no returned value here");
    }
    super.visitVarInsn(valueType.getOpcode(Opcodes.ILOAD), valueSlot);
  }

  /** In {@link DirectAdvice#thrown}: pushes the exception. */
  public void loadThrown() {
    if (region != Region.THROWN) {
      throw new IllegalStateException("no exception here");
    }
    super.visitVarInsn(Opcodes.ALOAD, valueSlot);
  }

  public void invokeStatic(String methodOwner, String name, String descriptor) {
    flushEntryFrame();
    super.visitMethodInsn(Opcodes.INVOKESTATIC, methodOwner, name, descriptor, false);
  }

  /** An instruction without operand ({@code LCMP}, {@code LCONST_0}...). */
  public void instruction(int opcode) {
    flushEntryFrame();
    super.visitInsn(opcode);
  }

  public void constant(Object value) {
    flushEntryFrame();
    super.visitLdcInsn(value);
  }

  /** A conditional jump, to a label of this advice placed with {@link #target}. */
  public void jump(int opcode, Label label) {
    flushEntryFrame();
    super.visitJumpInsn(opcode, label);
  }

  /** Places a label that a {@link #jump} reaches, with its frame (the stack empty). */
  public void target(Label label) {
    super.visitLabel(label);
    frame(NO_STACK);
  }

  /**
   * Opens a {@code try} whose {@code catch (Throwable)} does nothing: Byte Buddy's
   * {@code suppress = Throwable.class}. Returns the labels for {@link #endSuppressed}; the last
   * one is where the code goes on after it, a target for jumps that skip the rest.
   */
  public Label[] beginSuppressed() {
    flushEntryFrame();
    Label[] labels = {new Label(), new Label(), new Label(), new Label()};
    ours.add(new TryCatch(labels[0], labels[1], labels[2], THROWABLE));
    super.visitLabel(labels[0]);
    return labels;
  }

  public void endSuppressed(Label[] labels) {
    super.visitLabel(labels[1]);
    super.visitJumpInsn(Opcodes.GOTO, labels[3]);
    super.visitLabel(labels[2]);
    frame(new Object[] {THROWABLE});
    super.visitInsn(Opcodes.POP);
    super.visitLabel(labels[3]);
    frame(NO_STACK);
  }

  /**
   * Byte Buddy's {@code skipOn = OnNonDefaultValue}: with an int (a boolean) on the stack that is
   * not 0, the method's code is skipped; it returns its default value, through the exit advice.
   */
  public void returnIfNonZero() {
    flushEntryFrame();
    Label proceed = new Label();
    super.visitJumpInsn(Opcodes.IFEQ, proceed);
    switch (returnType.getSort()) {
      case Type.VOID: break;
      case Type.LONG: super.visitInsn(Opcodes.LCONST_0); break;
      case Type.DOUBLE: super.visitInsn(Opcodes.DCONST_0); break;
      case Type.FLOAT: super.visitInsn(Opcodes.FCONST_0); break;
      case Type.OBJECT: case Type.ARRAY: super.visitInsn(Opcodes.ACONST_NULL); break;
      default: super.visitInsn(Opcodes.ICONST_0);
    }
    exitAndReturn();
    super.visitLabel(proceed);
    entryFrameDue = true;
  }

  // ---- the method's own code

  @Override
  public void visitCode() {
    super.visitCode();
    for (DirectAdvice each : advice) {
      each.enter(this);
    }
    if (thrownAdvice != null) {
      aroundStart = new Label();
      super.visitLabel(aroundStart);
    }
  }

  @Override
  public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
    if (type != Opcodes.F_NEW) {
      throw new IllegalStateException("frames must be expanded");
    }
    // The method's own frame stands at its first instruction: it holds for the entry code's jumps too.
    entryFrameDue = false;
    List<Object> slots = new ArrayList<>();
    for (int i = 0; i < numLocal; i++) {
      addSlot(slots, local[i]);
    }
    while (slots.size() < firstFree) {
      slots.add(Opcodes.TOP);
    }
    for (int slot = firstFree; slot < entrySlots.size(); slot++) {
      slots.add(entrySlots.get(slot));
    }
    Object[] locals = compact(slots);
    super.visitFrame(Opcodes.F_NEW, locals.length, locals, numStack, stack);
  }

  @Override
  public void visitInsn(int opcode) {
    flushEntryFrame();
    if (hasExit && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
      exitAndReturn();
    } else {
      super.visitInsn(opcode);
    }
  }

  @Override
  public void visitIntInsn(int opcode, int operand) {
    flushEntryFrame();
    super.visitIntInsn(opcode, operand);
  }

  @Override
  public void visitVarInsn(int opcode, int varIndex) {
    flushEntryFrame();
    super.visitVarInsn(opcode, varIndex);
  }

  @Override
  public void visitTypeInsn(int opcode, String type) {
    flushEntryFrame();
    super.visitTypeInsn(opcode, type);
  }

  @Override
  public void visitFieldInsn(int opcode, String fieldOwner, String name, String descriptor) {
    flushEntryFrame();
    super.visitFieldInsn(opcode, fieldOwner, name, descriptor);
  }

  @Override
  public void visitMethodInsn(int opcode, String methodOwner, String name, String descriptor, boolean isInterface) {
    flushEntryFrame();
    super.visitMethodInsn(opcode, methodOwner, name, descriptor, isInterface);
  }

  @Override
  public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
    flushEntryFrame();
    super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
  }

  @Override
  public void visitJumpInsn(int opcode, Label label) {
    flushEntryFrame();
    super.visitJumpInsn(opcode, label);
  }

  @Override
  public void visitLdcInsn(Object value) {
    flushEntryFrame();
    super.visitLdcInsn(value);
  }

  @Override
  public void visitIincInsn(int varIndex, int increment) {
    flushEntryFrame();
    super.visitIincInsn(varIndex, increment);
  }

  @Override
  public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
    flushEntryFrame();
    super.visitTableSwitchInsn(min, max, dflt, labels);
  }

  @Override
  public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
    flushEntryFrame();
    super.visitLookupSwitchInsn(dflt, keys, labels);
  }

  @Override
  public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
    flushEntryFrame();
    super.visitMultiANewArrayInsn(descriptor, numDimensions);
  }

  @Override
  public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
    theirs.add(new TryCatch(start, end, handler, type));
  }

  @Override
  public net.bytebuddy.jar.asm.AnnotationVisitor visitTryCatchAnnotation(int typeRef, TypePath typePath,
      String descriptor, boolean visible) {
    // Kept in order after its block; its values are not needed by any class woven here.
    theirs.add(new TryCatchAnnotation(typeRef, typePath, descriptor, visible));
    return null;
  }

  @Override
  public void visitMaxs(int maxStack, int maxLocals) {
    if (exit != null) {
      writeExit();
    }
    if (thrownAdvice != null) {
      Label end = new Label();
      Label handler = new Label();
      super.visitLabel(end);
      around.add(new TryCatch(aroundStart, end, handler, thrownAdvice.thrownType()));
      super.visitLabel(handler);
      region = Region.THROWN;
      valueType = null;
      frame(new Object[] {thrownAdvice.thrownType()});
      valueSlot = entrySlots.size();
      valueType = Type.getObjectType(thrownAdvice.thrownType());
      super.visitVarInsn(Opcodes.ASTORE, valueSlot);
      thrownAdvice.thrown(this);
      super.visitVarInsn(Opcodes.ALOAD, valueSlot);
      super.visitInsn(Opcodes.ATHROW);
    }
    for (TryCatch block : ours) {
      super.visitTryCatchBlock(block.start, block.end, block.handler, block.type);
    }
    for (Object item : theirs) {
      if (item instanceof TryCatch block) {
        super.visitTryCatchBlock(block.start, block.end, block.handler, block.type);
      } else {
        TryCatchAnnotation annotation = (TryCatchAnnotation) item;
        super.visitTryCatchAnnotation(annotation.typeRef, annotation.typePath, annotation.descriptor,
            annotation.visible);
      }
    }
    for (TryCatch block : around) {
      super.visitTryCatchBlock(block.start, block.end, block.handler, block.type);
    }
    // Our code needs at most 6 stack slots above what the method leaves (a long and four more),
    // and past the method's locals the carried ones and one returned or thrown value.
    super.visitMaxs(maxStack + 8, Math.max(maxLocals, entrySlots.size() + 2));
  }

  // ---- inside

  /**
   * A return: the returned value kept in a local, then a jump to the one exit ({@link #writeExit}).
   * The exit advice written once, not at every return, keeps the method small enough for the JIT
   * to inline it where it did before ({@code LinkedBlockingQueue.offer} has four returns: woven at
   * each, it passed the 325 bytes a hot method may have to be inlined).
   */
  private void exitAndReturn() {
    if (exit == null) {
      exit = new Label();
    }
    if (returnType.getSort() != Type.VOID) {
      super.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), entrySlots.size());
    }
    super.visitJumpInsn(Opcodes.GOTO, exit);
  }

  /** The exit advice, then the return of the value kept by {@link #exitAndReturn}. */
  private void writeExit() {
    region = Region.EXIT;
    valueSlot = entrySlots.size();
    valueType = returnType.getSort() == Type.VOID ? null : returnType;
    super.visitLabel(exit);
    frame(NO_STACK);
    for (DirectAdvice each : advice) {
      each.exit(this);
    }
    if (valueType != null) {
      super.visitVarInsn(valueType.getOpcode(Opcodes.ILOAD), valueSlot);
    }
    super.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
  }

  private void declare(String name, Type type) {
    if (region != Region.ENTRY || carried.containsKey(name)) {
      throw new IllegalStateException("local " + name + " declared twice or after the entry");
    }
    carried.put(name, entrySlots.size());
    carriedTypes.put(name, type);
    addSlots(entrySlots, type);
  }

  private int slot(String name) {
    Integer slot = carried.get(name);
    if (slot == null) {
      throw new IllegalStateException("no local " + name + " declared at the entry");
    }
    return slot;
  }

  private int argumentSlot(int index) {
    int slot = 1;
    for (int i = 0; i < index; i++) {
      slot += argumentTypes[i].getSize();
    }
    return slot;
  }

  private static String argumentKey(int index) {
    return "argument" + index;
  }

  /** The frame for the current point of the advice's code. */
  private void frame(Object[] stack) {
    entryFrameDue = false;
    List<Object> slots;
    if (region == Region.ENTRY) {
      slots = entrySlots;
    } else {
      slots = new ArrayList<>(entrySlots);
      slots.set(0, owner);
      for (int slot = 1; slot < firstFree; slot++) {
        slots.set(slot, Opcodes.TOP);
      }
      if (valueType != null) {
        addSlots(slots, valueType);
      }
    }
    Object[] locals = compact(slots);
    super.visitFrame(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
  }

  private void flushEntryFrame() {
    if (entryFrameDue) {
      frame(NO_STACK);
    }
  }

  /** Frame types by slot, a long or double taking two (its second a null). */
  private static void addSlots(List<Object> slots, Type type) {
    switch (type.getSort()) {
      case Type.BOOLEAN: case Type.BYTE: case Type.CHAR: case Type.SHORT: case Type.INT:
        slots.add(Opcodes.INTEGER);
        break;
      case Type.FLOAT: slots.add(Opcodes.FLOAT); break;
      case Type.LONG: slots.add(Opcodes.LONG); slots.add(null); break;
      case Type.DOUBLE: slots.add(Opcodes.DOUBLE); slots.add(null); break;
      default: slots.add(type.getInternalName());
    }
  }

  private static void addSlot(List<Object> slots, Object frameType) {
    slots.add(frameType);
    if (frameType == Opcodes.LONG || frameType == Opcodes.DOUBLE) {
      slots.add(null);
    }
  }

  /** Slots to a frame's locals: one entry for a long or double. */
  private static Object[] compact(List<Object> slots) {
    List<Object> locals = new ArrayList<>(slots.size());
    for (int slot = 0; slot < slots.size(); slot++) {
      Object type = slots.get(slot);
      if (type != null) {
        locals.add(type);
      } else if (slot == 0 || slots.get(slot - 1) != Opcodes.LONG && slots.get(slot - 1) != Opcodes.DOUBLE) {
        locals.add(Opcodes.TOP);
      }
    }
    return locals.toArray();
  }
}
