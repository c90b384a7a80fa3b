/** The one method of request headers Footfall reads: a Web `Headers`, or an adapter's view of Node's. */
export interface HeaderSource {
  get(name: string): string | null;
}
