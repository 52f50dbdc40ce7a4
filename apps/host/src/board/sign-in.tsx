/** The sign-in form: one API key field; the key is exchanged for a session cookie. @internal */
export function SignIn(props: {
  readonly csrf: string;
  readonly next: string;
  readonly error?: string | undefined;
}) {
  return (
    <>
      {props.error && (
        <p class="error" role="alert" id="signin-error">
          {props.error}
        </p>
      )}
      <form method="post" action="/app/signin" class="stack card">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <div>
          <label for="key">API key</label>
          <input
            id="key"
            name="key"
            type="password"
            autocomplete="off"
            required
            spellcheck={false}
            aria-describedby={props.error ? "key-help signin-error" : "key-help"}
            size={40}
          />
          <p id="key-help" class="muted">
            A key starting with <code>vk_</code>, from <code>valhalla keys create</code>. It is checked once;
            the browser keeps only a session cookie.
          </p>
        </div>
        <button type="submit">Sign in</button>
      </form>
    </>
  );
}
