interface Window {
  /** Footfall's tracker: records a custom event. */
  footfall(name: string, props?: Record<string, string>): void;
}
