import { inSpan } from "../telemetry/in-span";
import type { Captioner, ImageGenerator } from "./types";

/** The captioner with a client span around every call (provider, model, outcome). */
export function tracedCaptioner(inner: Captioner): Captioner {
  return {
    provider: inner.provider,
    model: inner.model,
    caption: (image, opts) =>
      inSpan(
        "ai.caption",
        {
          "gen_ai.system": inner.provider,
          "gen_ai.request.model": inner.model,
          "reimagine.image.bytes": image.bytes.length,
        },
        () => inner.caption(image, opts),
      ),
  };
}

/** The image generator with a client span around every call. */
export function tracedImageGenerator(inner: ImageGenerator): ImageGenerator {
  return {
    provider: inner.provider,
    model: inner.model,
    generate: (prompt, opts) =>
      inSpan("ai.generate", { "gen_ai.system": inner.provider, "gen_ai.request.model": inner.model }, () =>
        inner.generate(prompt, opts),
      ),
  };
}
