import type { LabInfo, ScalingChange, ScalingInfo } from "../../shared/lab-api.js";
import { labControl } from "../../client/lab-control.js";
import { part } from "../../client/ui/dom.js";

const ADAPTER_NAMES = { none: "no adapter", cluster: "cluster adapter", "redis-streams": "Redis Streams adapter" } as const;

function describe(scaling: ScalingInfo): string {
  const nodes = scaling.nodes.map((node) => node.name).join(" and ");
  return `Nodes ${nodes}: ${ADAPTER_NAMES[scaling.adapter]}, connectionStateRecovery ${scaling.recovery ? "on" : "off"}. Load balancer: ${scaling.routing}.`;
}

/**
 * The "Server nodes" box: shows the setup the lab reports, and sends the learner's changes. The adapter and
 * recovery wait for "Restart nodes"; the balancer's routing applies when chosen.
 */
export function mountScalingNodes(fieldset: HTMLFieldSetElement, lab: LabInfo): void {
  const scaling = lab.scaling;
  if (!scaling) return;
  const status = part<HTMLElement>(fieldset, ".nodes-status");
  const error = part<HTMLElement>(fieldset, ".nodes-error");
  const recovery = part<HTMLInputElement>(fieldset, "input[name=nodes-recovery]");
  const restart = part<HTMLButtonElement>(fieldset, ".restart-nodes");
  const redis = part<HTMLInputElement>(fieldset, "input[name=adapter][value=redis-streams]");
  const checked = (name: string) => fieldset.querySelector<HTMLInputElement>(`input[name=${name}]:checked`)?.value;

  redis.disabled = !scaling.redis;
  part<HTMLElement>(fieldset, "#redis-note").hidden = scaling.redis;
  const show = (info: ScalingInfo) => {
    status.textContent = describe(info);
    for (const input of fieldset.querySelectorAll<HTMLInputElement>("input[name=adapter], input[name=routing]")) {
      input.checked = input.value === (input.name === "adapter" ? info.adapter : info.routing);
    }
    recovery.checked = info.recovery;
  };
  let current = scaling;
  show(current);

  const send = (change: ScalingChange, busy: string) => {
    fieldset.disabled = true;
    status.textContent = busy;
    error.textContent = "";
    labControl
      .configureNodes(lab, change)
      .then((info) => {
        current = info.scaling ?? current;
        show(current);
      })
      .catch((thrown: unknown) => {
        error.textContent = thrown instanceof Error ? thrown.message : String(thrown);
        show(current);
      })
      .finally(() => (fieldset.disabled = false));
  };
  restart.addEventListener("click", () =>
    send(
      { adapter: checked("adapter") as ScalingInfo["adapter"], recovery: recovery.checked },
      `Restarting nodes ${current.nodes.map((node) => node.name).join(" and ")}…`,
    ),
  );
  for (const input of fieldset.querySelectorAll<HTMLInputElement>("input[name=routing]")) {
    input.addEventListener("change", () => send({ routing: input.value as ScalingInfo["routing"] }, "Changing the load balancer…"));
  }
}
