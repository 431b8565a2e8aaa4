package io.pks.operator.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;

/**
 * Sends the log to a file instead of the console, for the interactive {@code sandbox} and the
 * benchmarks: their console shows progress, the operator's and the runtime's one line per decision
 * go to the file.
 */
public final class LogFile {
  private LogFile() {
  }

  /** Redirects the log; closing the result restores the console (the command has ended). */
  public static AutoCloseable redirectTo(Path file) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n");
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName("FILE");
    appender.setFile(file.toString());
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    List<Appender<ILoggingEvent>> console = new ArrayList<>();
    root.iteratorForAppenders().forEachRemaining(console::add);
    console.forEach(each -> root.detachAppender(each));
    root.addAppender(appender);
    return () -> {
      root.detachAppender(appender);
      appender.stop();
      console.forEach(root::addAppender);
    };
  }
}
