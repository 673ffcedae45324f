/**
 * The paths the app routes, whatever the method: a request to one of them with another method is
 * answered 405, not 404 (Fastify itself does not tell the two apart).
 */
export class RoutePaths {
  private readonly patterns: RegExp[] = [];

  add(url: string): void {
    const source = url
      .split('/')
      .filter(Boolean)
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/+');
    this.patterns.push(new RegExp(`^/+${source}/*$`));
  }

  has(pathname: string): boolean {
    return this.patterns.some((p) => p.test(pathname));
  }
}
