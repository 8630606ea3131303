import type { VirtualClient } from "../virtual-client.js";

/** The socket.io-client options a panel's number inputs may set, named by their `data-client-option`. */
const NUMBER_OPTIONS = ["ackTimeout", "retries"] as const;
type NumberOption = (typeof NUMBER_OPTIONS)[number];

const isNumberOption = (name: string | undefined): name is NumberOption => NUMBER_OPTIONS.some((option) => option === name);

/**
 * Wires a panel's client option inputs (`<input data-client-option="ackTimeout">`) to its client. Client
 * options take effect on a new connection, as they would in an app: the client starts over. Empty or 0
 * leaves the option unset.
 */
export function mountClientOptions(panel: HTMLElement, client: VirtualClient): void {
  for (const input of panel.querySelectorAll<HTMLInputElement>("input[data-client-option]")) {
    const option = input.dataset.clientOption;
    if (!isNumberOption(option)) throw new Error(`unknown client option ${option}`);
    input.addEventListener("change", () => {
      const value = Number(input.value);
      const { [option]: _previous, ...others } = client.clientOptions;
      client.useOptions(value > 0 ? { ...others, [option]: value } : others);
    });
  }
}
