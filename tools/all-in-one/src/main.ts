import { runService } from "@reimagine/platform";
import { startAllInOne } from "./start-all-in-one";

await runService("reimagine", async ({ config, logger, own, preflight, banner }) => {
  const app = await startAllInOne(config, logger);
  for (const part of app.parts) own(part);
  preflight(app.preflight);
  const width = Math.max(...app.summary.map((s) => s.part.length));
  const lines = app.summary.map((s) => `  ${s.part.padEnd(width)}  ${s.detail}`);
  banner(
    `\nreimagine is running (all five services in one process). Ctrl-C stops it.\n${lines.join("\n")}\n\n` +
      `  try: curl -F image=@photo.jpg -F email=me@example.com ${app.summary.find((s) => s.part === "API")?.detail}\n\n`,
  );
  return undefined;
});
