package com.targetdialer.bench;

import com.targetdialer.TargetDialer;
import io.vertx.core.Deployable;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.deployment.DeploymentContext;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A look inside a running service for a stalled burst, without touching its code: the mutable state
 * (flags, counters, queue sizes) of the inbox consumer (WebhookVerticle's) and of PersistVerticle and
 * what it writes through, read by reflection from the deployed verticles. Generic over field names, as
 * that code changes. Diagnostics only: read from another thread, so a value may be a moment old.
 */
final class ServiceProbe {

  private static final Set<String> VERTICLES = Set.of("WebhookVerticle", "PersistVerticle");

  private ServiceProbe() {
  }

  static String describe(TargetDialer service) {
    StringJoiner out = new StringJoiner(", ");
    try {
      Collection<DeploymentContext> deployments = ((VertxInternal) service.vertx()).deploymentManager().deployments();
      for (DeploymentContext deployment : deployments) {
        for (Deployable instance : deployment.deployment().instances()) {
          if (VERTICLES.contains(instance.getClass().getSimpleName())) {
            out.add(state(instance, 0));
          }
        }
      }
    } catch (RuntimeException e) {
      out.add("probe failed: " + e);
    }
    return out.toString();
  }

  /** Booleans, numbers and sizes of an object's own non-static fields; the service's own objects one level down. */
  private static String state(Object target, int depth) {
    StringJoiner fields = new StringJoiner(", ", target.getClass().getSimpleName() + "{", "}");
    for (Field field : target.getClass().getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())) {
        continue;
      }
      try {
        field.setAccessible(true);
        Object value = field.get(target);
        Class<?> type = field.getType();
        if (type == boolean.class || type == int.class || (type == long.class && !field.getName().toLowerCase().contains("timer"))) {
          fields.add(field.getName() + "=" + value);
        } else if (value instanceof Collection<?> collection) {
          fields.add(field.getName() + ".size=" + collection.size());
        } else if (value instanceof Map<?, ?> map) {
          fields.add(field.getName() + ".size=" + map.size());
        } else if (value != null && depth < 2 && ours(value.getClass())) {
          fields.add(field.getName() + "=" + state(value, depth + 1));
        } else if (value != null && depth < 2 && type.isArray() && ours(type.getComponentType())) {
          StringJoiner items = new StringJoiner(", ", "[", "]");
          for (int i = 0; i < Array.getLength(value); i++) {
            Object item = Array.get(value, i);
            items.add(item == null ? "null" : state(item, depth + 1));
          }
          fields.add(field.getName() + "=" + items);
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        fields.add(field.getName() + "=?");
      }
    }
    return fields.toString();
  }

  private static boolean ours(Class<?> type) {
    return type.getName().startsWith("com.targetdialer.") && !type.isEnum() && !type.isRecord();
  }
}
