import { runCli } from "./run-cli";

// A reader that went away (`reimagine export | head -1`) is not an error worth a word: stop quietly.
// Anything else going wrong with the terminal itself is said in one line.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") process.stderr.write(`reimagine: cannot write output: ${err.message}\n`);
    process.exit(err.code === "EPIPE" ? 0 : 1);
  });
}

process.exitCode = await runCli(process.argv.slice(2));
