package io.pks.operator.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;

/**
 * How {@code run} writes its log: {@code text}, one line per event as logback.xml says, or
 * {@code json}, one JSON object per line (Logback's JsonEncoder) for a log pipeline. A JSON line
 * carries the logging context, so a line about a pair has its {@code namespace} and {@code pair}.
 */
public enum LogFormat {
  text,
  json;

  /** Makes the console appenders of logback.xml write in this format. */
  void apply() {
    if (this == text) {
      return;
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(appender -> {
      if (appender instanceof OutputStreamAppender<ILoggingEvent> console) {
        console.stop();
        console.setEncoder(jsonEncoder(context));
        console.start();
      }
    });
  }

  /** The event's time, level, thread, logger, context (MDC, key-value pairs), formatted message and throwable. */
  static JsonEncoder jsonEncoder(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithMarkers(false);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    return encoder;
  }
}
