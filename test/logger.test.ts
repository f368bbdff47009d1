import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, test } from "node:test";
import { createConsoleLogger, type LogLevel } from "../src/logger.js";

function capture(level: LogLevel): { logger: ReturnType<typeof createConsoleLogger>; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  return { logger: createConsoleLogger({ level, stream }), text: () => chunks.join("") };
}

describe("createConsoleLogger", () => {
  test("prefixes each level like the CLI", () => {
    const { logger, text } = capture("debug");
    logger.debug("d");
    logger.info("i");
    logger.warn("w", { attempt: 2 });
    logger.error("e");
    assert.equal(text(), "wxadmin: debug: d\nwxadmin: info: i\nwxadmin: warning: w attempt=2\nwxadmin: error: e\n");
  });

  test("drops lines below its level", () => {
    const { logger, text } = capture("warn");
    logger.info("not shown");
    logger.warn("shown");
    assert.equal(text(), "wxadmin: warning: shown\n");
  });
});
