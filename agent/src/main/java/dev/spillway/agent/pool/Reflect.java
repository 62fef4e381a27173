package dev.spillway.agent.pool;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.WrongMethodTypeException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;

/**
 * Reads a library's getters and fields from the agent's class loader, which cannot link against
 * the application's copy of the library. Each reader resolves its member once per class (a
 * {@link ClassValue}: nothing keeps an application class loader alive once its classes are gone).
 * {@link Getter} and {@link FieldReader} use reflection, for collection time, where its cost does
 * not matter; {@link NumberGetter} is for the admission path (a rule on {@code pending}).
 */
public final class Reflect {

  private Reflect() {}

  /** The no-argument method of that name on {@code type} or a superclass, made accessible; or null. */
  private static Method find(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Method method = c.getDeclaredMethod(name);
        method.setAccessible(true);
        return method;
      } catch (NoSuchMethodException e) {
        // look further up
      }
    }
    return null;
  }

  /**
   * A no-argument method returning a number, read on the admission path: a method handle resolved
   * once per class and called exactly as {@code (Object) -> long}, so a call allocates nothing (no
   * argument array, no boxed result), unlike {@link Getter} (issue 12).
   */
  public static final class NumberGetter {
    private static final MethodType AS_LONG = MethodType.methodType(long.class, Object.class);

    private final String name;
    private final ClassValue<MethodHandle> handles = new ClassValue<>() {
      @Override
      protected MethodHandle computeValue(Class<?> type) {
        Method method = find(type, name);
        if (method == null) {
          return null;
        }
        try {
          // int, long, Integer...: widened or unboxed by the handle itself.
          return MethodHandles.lookup().unreflect(method).asType(AS_LONG);
        } catch (IllegalAccessException | WrongMethodTypeException e) {
          return null;
        }
      }
    };

    public NumberGetter(String name) {
      this.name = name;
    }

    /** Calls it on {@code target}; throws if it does not exist or does not return a number. */
    public long get(Object target) throws Exception {
      MethodHandle handle = handles.get(target.getClass());
      if (handle == null) {
        throw new NoSuchMethodException(target.getClass().getName() + "." + name + "() returning a number");
      }
      try {
        return (long) handle.invokeExact(target);
      } catch (Exception | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new UndeclaredThrowableException(t);
      }
    }
  }

  /** A no-argument method, found by name on the class or a superclass, public or not. */
  public static final class Getter {
    private final String name;
    private final ClassValue<Method> methods = new ClassValue<>() {
      @Override
      protected Method computeValue(Class<?> type) {
        return find(type, name);
      }
    };

    public Getter(String name) {
      this.name = name;
    }

    /** Calls it on {@code target}; throws if it does not exist. */
    public Object get(Object target) throws Exception {
      Method method = methods.get(target.getClass());
      if (method == null) {
        throw new NoSuchMethodException(target.getClass().getName() + "." + name + "()");
      }
      return invoke(method, target);
    }

    /** As {@link #get}, for a number. */
    public long getLong(Object target) throws Exception {
      return ((Number) get(target)).longValue();
    }

    /** As {@link #get}, for text: null when absent or not text. */
    public String getString(Object target) throws Exception {
      Object value = get(target);
      return value == null ? null : value.toString();
    }
  }

  /**
   * A one-argument method, found by name on the class or a superclass (the first of that name with
   * one parameter: a generic interface's bridge method does as well), for collection time.
   */
  public static final class OneArgGetter {
    private final String name;
    private final ClassValue<Method> methods = new ClassValue<>() {
      @Override
      protected Method computeValue(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
          for (Method method : c.getDeclaredMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == 1) {
              method.setAccessible(true);
              return method;
            }
          }
        }
        return null;
      }
    };

    public OneArgGetter(String name) {
      this.name = name;
    }

    /** Calls it on {@code target} with {@code argument}; throws if it does not exist. */
    public Object get(Object target, Object argument) throws Exception {
      Method method = methods.get(target.getClass());
      if (method == null) {
        throw new NoSuchMethodException(target.getClass().getName() + "." + name + "(1 argument)");
      }
      return invoke(method, target, argument);
    }
  }

  /** Calls {@code method}, throwing what it threw. */
  private static Object invoke(Method method, Object target, Object... arguments) throws Exception {
    try {
      return method.invoke(target, arguments);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause instanceof Exception ? (Exception) cause : e;
    }
  }

  /** A field, found by name on the class or a superclass, public or not. */
  public static final class FieldReader {
    private final String name;
    private final ClassValue<Field> fields = new ClassValue<>() {
      @Override
      protected Field computeValue(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
          try {
            Field field = c.getDeclaredField(name);
            field.setAccessible(true);
            return field;
          } catch (NoSuchFieldException e) {
            // look further up
          }
        }
        return null;
      }
    };

    public FieldReader(String name) {
      this.name = name;
    }

    public Object get(Object target) throws Exception {
      Field field = fields.get(target.getClass());
      if (field == null) {
        throw new NoSuchFieldException(target.getClass().getName() + "." + name);
      }
      return field.get(target);
    }
  }

  /** Whether {@code thrown} or one of its causes is of the class named {@code className}. */
  public static boolean causedBy(Throwable thrown, String className) {
    Throwable t = thrown;
    for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
      if (t.getClass().getName().equals(className)) {
        return true;
      }
    }
    return false;
  }
}
