/**
 * Resolves once the page has drawn its first content (its `first-contentful-paint` entry), at once when it
 * has already, or when `cut` calls back first, or after `timeoutMs` when no paint comes (a page that
 * stays visible but never draws). A page in a background tab draws nothing until it is shown: it does not
 * wait at all.
 */
export function afterFirstPaint({ cut, timeoutMs }: { cut?: (go: () => void) => void; timeoutMs: number }): Promise<void> {
  if (document.visibilityState === "hidden" || performance.getEntriesByName("first-contentful-paint").length > 0) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let observer: PerformanceObserver | undefined;
    const go = () => {
      clearTimeout(timer);
      observer?.disconnect();
      resolve();
    };
    const timer = setTimeout(go, timeoutMs);
    try {
      observer = new PerformanceObserver((entries) => {
        if (entries.getEntriesByName("first-contentful-paint").length > 0) go();
      });
      observer.observe({ type: "paint", buffered: true });
    } catch {
      // A browser without paint timing: nothing to wait for.
      go();
    }
    cut?.(go);
  });
}
