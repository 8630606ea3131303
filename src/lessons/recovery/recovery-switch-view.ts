import type { LabInfo } from "../../shared/lab-api.js";
import { labControl } from "../../client/lab-control.js";
import { part } from "../../client/ui/dom.js";

/** Recovery on or off, and its window: the lab answers with the options now in force (after a restart). */
export function mountRecoverySwitch(fieldset: HTMLFieldSetElement, root: HTMLElement, lab: LabInfo): void {
  const enabled = part<HTMLInputElement>(fieldset, "input[name=recovery-enabled]");
  const windowMs = part<HTMLInputElement>(fieldset, "input[name=recovery-window]");
  const show = (info: LabInfo) => {
    const recovery = info.server.connectionStateRecovery;
    enabled.checked = recovery !== false;
    if (recovery) windowMs.value = String(recovery.maxDisconnectionDuration);
    // The client panels count the window down from this.
    root.dataset.recoveryWindow = recovery ? String(recovery.maxDisconnectionDuration) : "0";
  };
  show(lab);
  const apply = () => {
    fieldset.disabled = true;
    labControl
      .setRecovery(lab, { enabled: enabled.checked, maxDisconnectionDuration: Number(windowMs.value) })
      .then(show)
      .catch(() => show(lab))
      .finally(() => (fieldset.disabled = false));
  };
  enabled.addEventListener("change", apply);
  windowMs.addEventListener("change", apply);
}
