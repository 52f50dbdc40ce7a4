import { when } from "../format.js";
import type { ApprovalItem } from "./approval-actions.js";

/** A table of approvals; pending ones get Approve and Reject buttons. @internal */
export function ApprovalTable(props: {
  readonly items: readonly ApprovalItem[];
  readonly csrf: string;
  readonly caption: string;
}) {
  if (props.items.length === 0) return <p class="muted">Nothing here.</p>;
  return (
    <section class="table-wrap" aria-label={props.caption} tabindex={0}>
      <table>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col">Pack</th>
            <th scope="col">Requested</th>
            <th scope="col">Status</th>
            <th scope="col">Decide</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((a) => (
            <tr>
              <td>
                {a.summary ?? a.kind}
                <br />
                <span class="muted">{a.id}</span>
              </td>
              <td>{a.pack}</td>
              <td>{when(a.created_at)}</td>
              <td>
                <span
                  class={`badge ${a.status === "rejected" ? "bad" : a.status === "approved" ? "ok" : ""}`}
                >
                  {a.status}
                </span>
                {a.decided_by && <span class="muted"> by {a.decided_by}</span>}
              </td>
              <td>
                {a.status === "pending" ? (
                  <>
                    <form method="post" class="inline">
                      <input type="hidden" name="_csrf" value={props.csrf} />
                      <input type="hidden" name="_action" value="approve" />
                      <input type="hidden" name="id" value={a.id} />
                      <button type="submit" aria-label={`Approve ${a.summary ?? a.id}`}>
                        Approve
                      </button>
                    </form>{" "}
                    <form method="post" class="inline" data-confirm="Reject this request?">
                      <input type="hidden" name="_csrf" value={props.csrf} />
                      <input type="hidden" name="_action" value="reject" />
                      <input type="hidden" name="id" value={a.id} />
                      <button type="submit" class="danger" aria-label={`Reject ${a.summary ?? a.id}`}>
                        Reject
                      </button>
                    </form>
                  </>
                ) : (
                  <span class="muted">{when(a.decided_at)}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
