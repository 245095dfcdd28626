export { ImageRejectedError, type ImageRejectionCode } from "./image-rejected-error";
export { type ImageInfo, inspectImage } from "./inspect-image";
export { type ImageContentType, sniffImageType } from "./sniff-image-type";
