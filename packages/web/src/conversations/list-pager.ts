import type { ConversationPage, ConversationSource } from './server-source.js';

/**
 * Pages through the server's conversation list as the person scrolls: the first page at connect
 * (again after each reconnect, and to pick up what changed elsewhere), the next ones on demand.
 */
export class ListPager {
  /** Where the next page starts; undefined before the first page and at the end. */
  private next: string | undefined;
  private pages = 0;
  /** The first page is in. */
  loaded = false;
  /** Every page is in: the end of the list was reached. */
  complete = false;
  loading = false;

  constructor(
    private readonly source: ConversationSource,
    private readonly apply: (page: ConversationPage) => void,
  ) {}

  /** The first page (again): updates the newest conversations, keeps the pages below. */
  async refresh(): Promise<void> {
    const page = await this.source.page(undefined);
    this.apply(page);
    if (this.pages <= 1) {
      this.next = page.next;
      this.complete = page.next === undefined;
      this.pages = 1;
    }
    this.loaded = true;
  }

  /** The following page, unless one is on its way or the end was reached. */
  async more(): Promise<void> {
    if (!this.loaded || this.complete || this.loading) return;
    this.loading = true;
    try {
      const page = await this.source.page(this.next);
      this.apply(page);
      this.next = page.next;
      this.complete = page.next === undefined;
      this.pages++;
    } finally {
      this.loading = false;
    }
  }
}
