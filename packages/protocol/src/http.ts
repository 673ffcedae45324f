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

/**
 * `GET /config.json`: what the web client served at `/` needs to know about its server. Holds
 * nothing secret: any visitor may read it.
 */
export interface WebClientConfig {
  /** `open`: a visitor signs in as any user id; `token`: a user token is needed (APP_SECRET is set). */
  auth: 'open' | 'token';
  /**
   * `token` mode: where the page asks for a token (WEB_TOKEN_URL, the app's backend). A `GET` with
   * the page's cookies that answers `{userId, token}` (the shape of `IssuedToken`).
   */
  tokenUrl?: string;
  /** Open mode without ADMIN_KEY: the page may set the user's display name (`PUT /v1/users/{id}`). */
  namesEditable: boolean;
  /** Base of the file URLs the server hands out (PUBLIC_URL or its own address). */
  fileBase: string;
  recallWindowMs: number;
  maxMessageBytes: number;
  maxUploadBytes: number;
}
