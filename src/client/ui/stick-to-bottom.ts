/**
 * Keeps a scrolling element showing its newest (bottom) content while the reader is at the bottom, and
 * leaves it alone once they scroll up to read something older.
 *
 * It never reads the element's geometry when content is added: that read would make the browser lay the
 * page out there and then, for every burst of log lines. Whether the reader is at the bottom is learnt
 * from scroll events instead, and an element off screen (or not drawn yet: the lab below the text on a
 * phone) is scrolled only once it comes into view.
 */
export interface StickToBottom {
  /**
   * Call after adding content. `to` is where the bottom is, when the caller knows it without a read.
   * Answers whether the element scrolled there now: off screen the scroll waits, and the element stays
   * where it was until it comes into view (then its scroll event says where it went).
   */
  added(to?: number): boolean;
  /** Whether the reader is at the bottom, as of the latest scroll. */
  readonly following: boolean;
}

export function stickToBottom(element: HTMLElement, slack = 8): StickToBottom {
  let following = true;
  let onScreen = false;
  let owed: number | undefined | null = null; // null: no scroll owed; undefined: to the very bottom

  const scroll = (to: number | undefined) => {
    element.scrollTop = to ?? element.scrollHeight;
  };
  // A scroll has just laid the element out, so reading its geometry here costs nothing extra.
  element.addEventListener("scroll", () => (following = element.scrollTop + element.clientHeight >= element.scrollHeight - slack), {
    passive: true,
  });
  new IntersectionObserver(([entry]) => {
    onScreen = entry?.isIntersecting ?? false;
    if (onScreen && owed !== null) {
      scroll(owed);
      owed = null;
    }
  }).observe(element);

  return {
    added(to) {
      if (!following) return false;
      if (onScreen) scroll(to);
      else owed = to;
      return onScreen;
    },
    get following() {
      return following;
    },
  };
}
