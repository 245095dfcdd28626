// The request page (/r/<id>): the request's status, images, caption and models, and a live
// timeline driven by the server-sent events of /api/v1/request/<id>/events.
import { cancelTokenKey, problemMessage, showProblem } from "./shared.js";

const id = window.location.pathname.split("/").pop();
const api = `/api/v1/request/${encodeURIComponent(id)}`;
const $ = (elementId) => document.getElementById(elementId);

const STATUS_WORDS = {
  pending: ["Waiting", "Your photo is stored; a model is about to describe it."],
  captioned: ["Described", "A new picture is being painted from the description."],
  generated: ["Painted", "Your email is on its way."],
  notified: ["Done", "The new picture is ready and the email was sent."],
  failed: ["Failed", "This request stopped; see why below."],
  cancelled: ["Cancelled", "This request was cancelled. Nothing more will happen."],
  erased: ["Erased", "The personal data and images of this request were erased."],
};
const STAGE_WORDS = {
  caption: "We could not describe your photo",
  generation: "We could not paint the new picture",
  notification: "We could not send the email",
};
const FINISHED = new Set(["notified", "failed", "cancelled", "erased"]);
const STAGE_FAILURES = new Set(["CaptionFailed", "GenerationFailed", "NotificationFailed"]);
const EVENT_TYPES = [
  "ImageSubmitted",
  "CaptionProduced",
  "ImageGenerated",
  "UserNotified",
  "CaptionFailed",
  "GenerationFailed",
  "NotificationFailed",
  "RetryRequested",
  "FailureNotified",
  "FailureNotificationFailed",
  "CancelRequested",
  "ErasureCompleted",
  "ImagesExpired",
  "WebhookDelivered",
  "WebhookFailed",
];

let status = "loading";

/** One timeline line in plain words. */
function describe(message) {
  const d = message.data;
  switch (message.type) {
    case "ImageSubmitted":
      return `Photo received (${d.width} × ${d.height}).`;
    case "CaptionProduced":
      return `Described as “${d.caption}”`;
    case "ImageGenerated":
      return "New picture painted.";
    case "UserNotified":
      return `Email sent to an address at ${d.recipientDomain}.`;
    case "CaptionFailed":
    case "GenerationFailed":
    case "NotificationFailed":
      return `${STAGE_WORDS[d.stage]} after ${d.attempts} ${d.attempts === 1 ? "try" : "tries"}: ${d.message}`;
    case "RetryRequested":
      return `An operator asked to try the ${d.stage} again.`;
    case "FailureNotified":
      return `We emailed an address at ${d.recipientDomain} that the request stopped.`;
    case "FailureNotificationFailed":
      return "We could not email you that the request stopped.";
    case "CancelRequested":
      return "Cancelled.";
    case "ErasureCompleted":
      return "Personal data and images erased.";
    case "ImagesExpired":
      return `Images removed after ${d.retentionDays} days, as the retention period says.`;
    case "WebhookDelivered":
      return `Your server was told (${d.webhookType}, HTTP ${d.httpStatus}).`;
    case "WebhookFailed":
      return `Your server could not be told (${d.webhookType}${d.httpStatus ? `, HTTP ${d.httpStatus}` : ""}).`;
    default:
      return message.type;
  }
}

function modelLine(model, provider) {
  if (!model) return "";
  return provider === "offline"
    ? `${model} (offline demo mode, not an AI model)`
    : `${model} via ${provider}`;
}

function setStatus(next) {
  status = next;
  const [word, sentence] = STATUS_WORDS[next] ?? [next, ""];
  $("status").textContent = word;
  $("status").dataset.status = next;
  $("status-text").textContent = sentence;
  document.title = `${word} · your request · reimagine`;
  $("cancel").hidden = FINISHED.has(next) || !cancelToken();
}

function showGenerated(url, caption) {
  const image = $("generated");
  // one more try if the first load fails (a stream may announce the image a moment before a
  // server behind a load balancer can serve it)
  image.addEventListener("error", () => setTimeout(() => (image.src = `${url}?retry=1`), 1000), {
    once: true,
  });
  image.alt = caption ? `Painted from the description “${caption}”` : "The reimagined version";
  image.src = url;
  image.hidden = false;
  $("generated-placeholder").hidden = true;
}

function showFailure(error) {
  if (!error) return;
  const reason = `${STAGE_WORDS[error.stage] ?? "The request failed"}. Reason: ${error.message} (after ${error.attempts} ${error.attempts === 1 ? "try" : "tries"}).`;
  showProblem($("problem"), reason);
}

/** Applies one event of the stream: a timeline line, and whatever it changes on the page. */
function apply(message) {
  const item = document.createElement("li");
  item.dataset.type = message.type;
  const time = document.createElement("time");
  time.dateTime = message.at;
  time.textContent = new Date(message.at).toLocaleTimeString();
  const text = document.createElement("span");
  text.textContent = describe(message);
  item.append(time, " ", text);
  $("timeline").append(item);
  const d = message.data;
  // the images from this very origin (the absolute links in the data are for API clients)
  if (message.type === "ImageSubmitted") showOriginal(`${api}/original`);
  if (message.type === "CaptionProduced") {
    $("caption").textContent = d.caption;
    $("caption").dataset.caption = d.caption;
    $("caption-model").textContent = `Described by ${modelLine(d.model, d.provider)}.`;
  }
  if (message.type === "ImageGenerated") {
    showGenerated(`${api}/image`, $("caption").dataset.caption);
    $("generation-model").textContent = `by ${modelLine(d.model, d.provider)}`;
  }
  if (STAGE_FAILURES.has(message.type)) {
    showFailure(d);
  }
  if (message.type === "RetryRequested") $("problem").hidden = true;
  setStatus(message.status);
}

function showOriginal(url) {
  const image = $("original");
  if (!image.hidden) return;
  image.src = url;
  image.hidden = false;
}

function cancelToken() {
  try {
    return localStorage.getItem(cancelTokenKey(id));
  } catch {
    return null;
  }
}

function follow() {
  const source = new EventSource(`${api}/events`);
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (event) => apply(JSON.parse(event.data)));
  }
  source.addEventListener("end", () => {
    source.close();
    $("live-note").textContent = "This request has finished.";
  });
  source.addEventListener("error", () => {
    // EventSource reconnects by itself (resuming after the last event); only a closed one is final.
    if (source.readyState === EventSource.CLOSED && !FINISHED.has(status)) {
      $("live-note").textContent = "Live updates stopped. Reload the page to see the latest.";
    }
  });
}

async function load() {
  let response;
  try {
    response = await fetch(api, { headers: { accept: "application/json" } });
  } catch {
    showProblem($("problem"), "The server could not be reached. Reload the page to try again.");
    return;
  }
  if (!response.ok) {
    setStatus(response.status === 404 ? "unknown" : "error");
    $("status").textContent = response.status === 404 ? "Not found" : "Unavailable";
    showProblem($("problem"), await problemMessage(response));
    return;
  }
  const request = await response.json();
  $("title").textContent = "Your request";
  if (request.caption) {
    $("caption").textContent = request.caption;
    $("caption").dataset.caption = request.caption;
  }
  setStatus(request.status);
  follow();
}

$("copy-link").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(window.location.href);
    $("action-note").textContent = "Link copied.";
  } catch {
    $("action-note").textContent = `Copy this address: ${window.location.href}`;
  }
});

$("cancel").addEventListener("click", async () => {
  $("cancel").disabled = true;
  try {
    const response = await fetch(`${api}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cancelToken: cancelToken() }),
    });
    if (!response.ok) {
      showProblem($("problem"), await problemMessage(response));
      return;
    }
    $("action-note").textContent = "Cancelled.";
    setStatus("cancelled");
  } catch {
    showProblem($("problem"), "The server could not be reached; the request was not cancelled.");
  } finally {
    $("cancel").disabled = false;
  }
});

load();
