import { loadConfig } from "@reimagine/core/config";
import { createLogger } from "@reimagine/core/logging";
import { stopOnSignals } from "@reimagine/core/service";
import { startServiceTelemetry } from "@reimagine/core/telemetry";
import { startAllInOne } from "./start-all-in-one";

const config = loadConfig();
const logger = createLogger({ service: "reimagine", level: config.LOG_LEVEL });

async function main() {
  const telemetry = startServiceTelemetry(config, "reimagine");
  const app = await startAllInOne(config, logger);
  stopOnSignals([telemetry, ...app.parts], logger);
  const width = Math.max(...app.summary.map((s) => s.part.length));
  const lines = app.summary.map((s) => `  ${s.part.padEnd(width)}  ${s.detail}`);
  process.stdout.write(
    `\nreimagine is running (all five services in one process). Ctrl-C stops it.\n${lines.join("\n")}\n\n` +
      `  try: curl -F image=@photo.jpg -F email=me@example.com ${app.summary.find((s) => s.part === "API")?.detail}\n\n`,
  );
}

main().catch((err) => {
  logger.fatal({ err }, "reimagine failed to start");
  process.stderr.write(`reimagine: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
