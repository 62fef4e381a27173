package dev.spillway.agent.pool;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Reads a library's getters and fields from the agent's class loader, which cannot link against
 * the application's copy of the library. Each reader resolves its member once per class (a
 * {@link ClassValue}: nothing keeps an application class loader alive once its classes are gone)
 * and is used at collection time, where reflection's cost does not matter.
 */
public final class Reflect {

  private Reflect() {}

  /** A no-argument method, found by name on the class or a superclass, public or not. */
  public static final class Getter {
    private final String name;
    private final ClassValue<Method> methods = new ClassValue<>() {
      @Override
      protected Method computeValue(Class<?> type) {
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
      try {
        return method.invoke(target);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        throw cause instanceof Exception ? (Exception) cause : e;
      }
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
