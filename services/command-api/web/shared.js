// Helpers shared by the upload page and the request page.

/** The type the first bytes announce (JPEG, PNG, WebP), as the server judges it; null otherwise. */
export function sniffImageType(bytes) {
  const at = (i, ...values) => values.every((v, k) => bytes[i + k] === v);
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return "image/webp";
  return null;
}

/** "10 MB", "512 KB": sizes as people read them. */
export function formatBytes(bytes) {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/**
 * The message of a failed API call: the problem's title and detail (application/problem+json) as
 * sent, or a plain sentence when the answer is something else.
 */
export async function problemMessage(response) {
  try {
    const problem = await response.json();
    if (problem && typeof problem.detail === "string") {
      return problem.title ? `${problem.title}: ${problem.detail}` : problem.detail;
    }
  } catch {
    // not JSON: fall through to the status line
  }
  return `The server answered ${response.status} ${response.statusText}`.trim();
}

/** Shows a message in an alert box and moves focus there, so screen readers and keyboards follow. */
export function showProblem(box, message) {
  box.textContent = message;
  box.hidden = false;
  box.focus();
}

/** Where a browser keeps the cancel token of a request it submitted. */
export const cancelTokenKey = (id) => `reimagine:cancel-token:${id}`;
