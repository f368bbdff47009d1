/**
 * `wxadmin demo`: runs the Service Application flow against an emulator started in-process
 * and prints each step. The work is `runDemo`; this file only renders its steps.
 */
import type { Command } from "commander";
import { runDemo, type DemoStep, type DemoValue } from "../../jobs/demo.js";
import { actionFor, type CliIo } from "../context.js";
import { integerOption } from "../options.js";
import { formatDuration, formatExpiry, renderFields, renderTable } from "../render.js";

interface DemoCommandOptions {
  people: number;
  randomSeed: number;
}

export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description(
      "Walk through the Service Application flow against an emulator started on a free loopback port: create, authorize, token, refresh, rotate the secret, read the customer org.",
    )
    .option("--people <count>", "People in the emulated customer org. Default: 300.", integerOption(1), 300)
    .option("--random-seed <number>", "Seed of the emulator's generated data. Default: 1.", integerOption(0), 1)
    .addHelpText(
      "after",
      `
Secrets and tokens are shown masked. --verbose also logs every API request to stderr,
--json prints the steps and the result as one JSON document once the demo has finished,
and --quiet prints only the final line.`,
    )
    .action(
      actionFor<DemoCommandOptions>(io, async (context, _args, options) => {
        const steps: DemoStep[] = [];
        const result = await runDemo({
          emulatorOptions: { people: options.people, randomSeed: options.randomSeed },
          logger: context.options.verbose ? context.logger : undefined,
          onStep: (step) => {
            if (context.isJson) {
              steps.push(step);
            } else if (!context.options.quiet) {
              context.print(renderDemoStep(step));
            }
          },
        });

        if (context.isJson) {
          // Step values are masked by runDemo; Date values serialize as ISO 8601 strings.
          context.printJson({ steps, result });
          return;
        }
        context.print(`Done: all ${result.steps} steps worked. The emulator is stopped and its data is gone.`);
      }),
    );
}

/** Renders a demo step as a numbered heading, the SDK call, aligned facts and an optional table. */
export function renderDemoStep(step: DemoStep, nowMs: number = Date.now()): string {
  const heading = step.number === 0 ? `Setup. ${step.title}` : `Step ${step.number}. ${step.title}`;
  const lines = [heading];
  if (step.call !== undefined) {
    lines.push(`  ${step.call}`);
  }
  lines.push(renderFields(step.facts.map((fact) => [fact.label, renderDemoValue(fact.value, nowMs)]), 4));

  if (step.table !== undefined) {
    const numeric = step.table.headers.map((_header, index) =>
      step.table!.rows.every((row) => typeof row[index] === "number"),
    );
    const columns = step.table.headers.map((header, index) => ({ header, alignRight: numeric[index] === true }));
    const rows = step.table.rows.map((row) => row.map((cell) => String(cell)));
    lines.push("", renderTable(columns, rows, 4));
  }
  return `${lines.join("\n")}\n`;
}

function renderDemoValue(value: DemoValue, nowMs: number): string {
  if (typeof value === "string") {
    return value;
  }
  return `${formatExpiry(value.expiresAt, nowMs)}, lifetime ${formatDuration(value.lifetimeSeconds)}`;
}
