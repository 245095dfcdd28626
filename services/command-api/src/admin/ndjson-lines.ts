/** The lines of a streamed body, decoded as UTF-8 as they arrive (the last one may lack a newline). */
export async function* ndjsonLines(body: ReadableStream<Uint8Array> | null): AsyncGenerator<string> {
  if (!body) return;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let rest = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value, { stream: true });
      const lines = rest.split("\n");
      rest = lines.pop()!;
      for (const line of lines) yield line.endsWith("\r") ? line.slice(0, -1) : line;
    }
    rest += decoder.decode();
    if (rest !== "") yield rest;
  } finally {
    reader.releaseLock();
  }
}
