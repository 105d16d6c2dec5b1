// Passkeys: the WebAuthn calls a form cannot make. Three places use it:
// Settings → Ways to sign in ([data-passkey-add]), the sign-in page
// ([data-passkey-sign-in], and conditional UI in the email field), and sign-up
// ([data-passkey-sign-up]). Each ceremony asks /api/v1 for options, hands them to
// the browser, and posts the answer back. Without this file the pages keep working
// with passwords; the passkey buttons stay hidden.
(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) return;
  // A passkey belongs to a domain name: on a bare IP address (a test server, a LAN
  // address) the browser refuses every ceremony, so nothing is offered there.
  if (/^[\d.]+$|^\[|:/.test(location.hostname)) return;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(path, body) {
    return fetch("/api/v1" + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) {
          var fields = json.errors ? Object.keys(json.errors).map(function (k) { return json.errors[k]; }) : [];
          throw new Error(fields[0] || json.detail || "That did not work. Try again.");
        }
        return json;
      });
    });
  }

  function toBytes(base64url) {
    var base64 = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: toBytes(c.id) }); });
  }

  // The server speaks JSON (base64url); the browser wants ArrayBuffers.
  function creationOptions(json) {
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      user: Object.assign({}, json.user, { id: toBytes(json.user.id) }),
      excludeCredentials: withIds(json.excludeCredentials)
    });
  }

  function requestOptions(json) {
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      allowCredentials: withIds(json.allowCredentials)
    });
  }

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") return credential.toJSON();
    var r = credential.response, response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
    }
    return {
      id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
      response: response, authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  function say(place, text) { if (place) place.textContent = text; }

  function cancelled(error) { return error && (error.name === "NotAllowedError" || error.name === "AbortError"); }

  function deviceGuess() {
    var ua = navigator.userAgent;
    if (/iPhone/.test(ua)) return "iPhone";
    if (/iPad/.test(ua)) return "iPad";
    if (/Android/.test(ua)) return "Android phone";
    if (/Mac OS X/.test(ua)) return "Mac";
    if (/Windows/.test(ua)) return "Windows computer";
    return "This device";
  }

  // ------------------------------------------------ Settings: add a passkey
  var addForm = document.querySelector("[data-passkey-add]");
  if (addForm) {
    var addStatus = document.querySelector("[data-passkey-status]");
    var nameInput = addForm.querySelector("input");
    if (!nameInput.value) nameInput.value = deviceGuess();
    addForm.hidden = false;
    addForm.addEventListener("submit", function (event) {
      event.preventDefault();
      say(addStatus, "");
      post("/passkeys/options").then(function (options) {
        return navigator.credentials.create({ publicKey: creationOptions(options) });
      }).then(function (credential) {
        return post("/passkeys", { name: nameInput.value, credential: credentialJSON(credential) });
      }).then(function () {
        window.location.assign("/settings/sign-in?saved=added");
      }).catch(function (error) {
        say(addStatus, cancelled(error) ? "No passkey was made." : error.message);
      });
    });
  }

  // ------------------------------------------------ Sign in
  var signInButton = document.querySelector("[data-passkey-sign-in]");
  var signInStatus = document.querySelector("[data-passkey-sign-in-status]");
  var waiting = null; // the conditional request, aborted when the button is tapped

  function nextPath() {
    var next = document.querySelector("input[name=next]");
    return next && next.value.charAt(0) === "/" && next.value.charAt(1) !== "/" ? next.value : "/";
  }

  function signIn(mediation) {
    if (waiting) waiting.abort();
    var controller = new AbortController();
    if (mediation) waiting = controller;
    return post("/session/passkey/options").then(function (options) {
      var request = { publicKey: requestOptions(options), signal: controller.signal };
      if (mediation) request.mediation = mediation;
      return navigator.credentials.get(request);
    }).then(function (credential) {
      return post("/session/passkey", { credential: credentialJSON(credential) });
    }).then(function () {
      window.location.assign(nextPath());
    });
  }

  if (signInButton) {
    signInButton.hidden = false;
    signInButton.addEventListener("click", function () {
      say(signInStatus, "");
      signIn(null).catch(function (error) {
        say(signInStatus, cancelled(error) ? "No passkey was used." : error.message);
      });
    });
    // Conditional UI: the phone offers its passkeys in the email field's suggestions.
    if (PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (!available) return;
        document.documentElement.setAttribute("data-passkey-autofill", "on");
        // Nobody asked for this one: if it fails, the button is still there to tap.
        signIn("conditional").catch(function () {});
      });
    }
  }

  // ------------------------------------------------ Sign up with a passkey
  var signUpButton = document.querySelector("[data-passkey-sign-up]");
  if (signUpButton) {
    var form = signUpButton.form;
    var signUpStatus = document.querySelector("[data-passkey-sign-up-status]");
    signUpButton.hidden = false;
    signUpButton.addEventListener("click", function () {
      say(signUpStatus, "");
      post("/accounts/passkey/options", {
        email: form.elements.email.value,
        display_name: form.elements.display_name.value,
        time_zone: form.elements.time_zone.value
      }).then(function (options) {
        return navigator.credentials.create({ publicKey: creationOptions(options) });
      }).then(function (credential) {
        return post("/accounts/passkey", { name: deviceGuess(), credential: credentialJSON(credential) });
      }).then(function () {
        window.location.assign(nextPath());
      }).catch(function (error) {
        say(signUpStatus, cancelled(error) ? "No passkey was made." : error.message);
      });
    });
  }
})();
