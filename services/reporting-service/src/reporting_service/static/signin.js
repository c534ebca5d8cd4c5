// Sign-in for the dashboard: OAuth 2.0 authorization code flow with PKCE (RFC 7636) against
// the platform's Keycloak, as the public client the service names at dashboard/sign-in.json.
// The tokens stay in this tab's sessionStorage; the figures are fetched with the access token.
(function () {
  "use strict";
  const STORE = "pasc.dashboard.session";
  const PENDING = "pasc.dashboard.pending";
  let settings = null;
  let leaving = null;  // one redirect to Keycloak, however many fetches found no token

  function b64url(bytes) {
    let s = "";
    for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function randomString() { return b64url(crypto.getRandomValues(new Uint8Array(32))); }
  function redirectUri() { return location.origin + location.pathname; }

  async function load() {
    if (!settings) {
      const response = await fetch("dashboard/sign-in.json", { cache: "no-store" });
      if (!response.ok) throw new Error("sign-in settings: HTTP " + response.status);
      settings = await response.json();
    }
    return settings;
  }

  function saved() {
    try { return JSON.parse(sessionStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }

  function keep(body) {
    sessionStorage.setItem(STORE, JSON.stringify({
      access_token: body.access_token,
      refresh_token: body.refresh_token || null,
      expires_at: Date.now() + (body.expires_in - 20) * 1000,
    }));
  }

  async function tokenRequest(form) {
    const s = await load();
    const response = await fetch(s.token_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: s.client_id, ...form }),
    });
    if (!response.ok) return null;
    return response.json();
  }

  function redirectToSignIn() {
    if (!leaving) leaving = startSignIn();
    return leaving;
  }

  async function startSignIn() {
    const s = await load();
    const verifier = randomString();
    const state = randomString();
    const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, back: location.search }));
    const query = new URLSearchParams({
      response_type: "code", client_id: s.client_id, redirect_uri: redirectUri(), scope: "openid",
      state, code_challenge: challenge, code_challenge_method: "S256",
    });
    location.assign(s.authorization_endpoint + "?" + query);
    return new Promise(() => {});  // the page is leaving
  }

  // Back from Keycloak with ?code=&state=: exchange the code (once), then reload the page asked for.
  async function finishSignIn() {
    const params = new URLSearchParams(location.search);
    if (!params.has("code") && !params.has("error")) return;
    const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
    sessionStorage.removeItem(PENDING);
    if (pending && params.get("state") === pending.state && params.has("code")) {
      const body = await tokenRequest({
        grant_type: "authorization_code", code: params.get("code"),
        redirect_uri: redirectUri(), code_verifier: pending.verifier,
      });
      if (body) keep(body);
    }
    // The server rendered this page for Keycloak's redirect URL: load the one asked for.
    location.replace(location.pathname + (pending ? pending.back : ""));
    return new Promise(() => {});
  }

  async function accessToken() {
    const session = saved();
    if (session && Date.now() < session.expires_at) return session.access_token;
    if (session && session.refresh_token) {
      const body = await tokenRequest({ grant_type: "refresh_token", refresh_token: session.refresh_token });
      if (body) { keep(body); return body.access_token; }
    }
    sessionStorage.removeItem(STORE);
    return redirectToSignIn();
  }

  // fetch() with the signed-in user's token; a 401 (expired or revoked session) signs in again.
  async function authorizedFetch(path, options) {
    const token = await accessToken();
    const headers = { ...(options && options.headers), authorization: "Bearer " + token };
    const response = await fetch(path, { ...options, headers });
    if (response.status === 401) {
      sessionStorage.removeItem(STORE);
      return redirectToSignIn();
    }
    return response;
  }

  window.pascSignIn = { ready: finishSignIn(), fetch: authorizedFetch };
})();
