/** The answer of `POST /files` (B8). */
export interface UploadedFile {
  /** Absolute URL of the file; send it as a type 1 message. */
  url: string;
  name: string;
  size: number;
  mime: string;
}

/** The answer of `POST /v1/tokens` (B1). */
export interface IssuedToken {
  userId: string;
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Error bodies of the HTTP API. */
export interface HttpErrorBody {
  code: string;
  error: string;
}
