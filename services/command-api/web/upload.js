// The upload page: drag-and-drop or file picker, the server's own checks before sending, and the
// server's problems shown as they come. On success it goes to the request's page.
import { cancelTokenKey, formatBytes, problemMessage, showProblem, sniffImageType } from "./shared.js";

const main = document.getElementById("main");
const form = document.getElementById("upload-form");
const input = document.getElementById("image");
const zone = document.getElementById("drop-zone");
const dropText = document.getElementById("drop-text");
const preview = document.getElementById("preview");
const email = document.getElementById("email");
const webhookField = document.getElementById("webhook-field");
const webhookUrl = document.getElementById("webhookUrl");
const submit = document.getElementById("submit");
const formProblem = document.getElementById("form-problem");

const maxBytes = Number(main.dataset.maxUploadBytes);
document.getElementById("max-size").textContent = formatBytes(maxBytes);
webhookField.hidden = main.dataset.webhooks !== "on";

function setError(field, message) {
  const box = document.getElementById(`${field.id}-error`);
  box.textContent = message ?? "";
  box.hidden = !message;
  if (message) field.setAttribute("aria-invalid", "true");
  else field.removeAttribute("aria-invalid");
}

/** The same rules as the server's, so most mistakes are caught before uploading anything. */
async function checkImage() {
  const file = input.files[0];
  if (!file) return "Choose a photo to upload.";
  if (file.size === 0) return "This file is empty.";
  if (file.size > maxBytes) {
    return `This file is ${formatBytes(file.size)}; the limit is ${formatBytes(maxBytes)}.`;
  }
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  if (!sniffImageType(head)) return "This file is not a JPEG, PNG or WebP image.";
  return null;
}

function checkEmail() {
  const value = email.value.trim();
  if (!value) return "Enter the email address to send the link to.";
  if (value.length > 254 || email.validity.typeMismatch)
    return "Enter a valid email address, like name@example.com.";
  return null;
}

function checkWebhookUrl() {
  const value = webhookUrl.value.trim();
  if (webhookField.hidden || !value) return null;
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return null;
  } catch {
    // falls through
  }
  return "Enter a full http:// or https:// address, or leave it empty.";
}

async function showChosen() {
  const problem = await checkImage();
  setError(input, input.files.length ? problem : null);
  const file = input.files[0];
  if (file && !problem) {
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.src = URL.createObjectURL(file);
    preview.alt = `Preview of ${file.name}`;
    preview.hidden = false;
    dropText.textContent = `${file.name} (${formatBytes(file.size)}). Drop or choose another to replace it.`;
  } else {
    preview.hidden = true;
    dropText.textContent = "Drag a photo here, or press to choose one.";
  }
}

// A file that starts like an image but does not decode: no broken preview (the server will say why).
preview.addEventListener("error", () => {
  preview.hidden = true;
});
input.addEventListener("change", showChosen);
for (const type of ["dragenter", "dragover"]) {
  zone.addEventListener(type, (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
}
for (const type of ["dragleave", "dragend"])
  zone.addEventListener(type, () => zone.classList.remove("dragging"));
zone.addEventListener("drop", (event) => {
  event.preventDefault();
  zone.classList.remove("dragging");
  if (event.dataTransfer?.files.length) {
    input.files = event.dataTransfer.files;
    showChosen();
  }
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  formProblem.hidden = true;
  const problems = [
    [input, await checkImage()],
    [email, checkEmail()],
    [webhookUrl, checkWebhookUrl()],
  ];
  for (const [field, problem] of problems) setError(field, problem);
  const first = problems.find(([, problem]) => problem);
  if (first) {
    first[0].focus();
    return;
  }
  const body = new FormData();
  body.set("email", email.value.trim());
  if (!webhookField.hidden && webhookUrl.value.trim()) body.set("webhookUrl", webhookUrl.value.trim());
  body.set("image", input.files[0]);
  submit.disabled = true;
  submit.textContent = "Uploading…";
  try {
    const response = await fetch("/api/v1/register", { method: "POST", body });
    if (response.status !== 202) {
      showProblem(formProblem, await problemMessage(response));
      return;
    }
    const { id, cancelToken } = await response.json();
    if (cancelToken) {
      try {
        localStorage.setItem(cancelTokenKey(id), cancelToken);
      } catch {
        // storage may be off: the request goes on, it just cannot be cancelled from this browser
      }
    }
    window.location.assign(`/r/${id}`);
  } catch {
    showProblem(formProblem, "The server could not be reached. Check your connection and try again.");
  } finally {
    submit.disabled = false;
    submit.textContent = "Reimagine it";
  }
});
