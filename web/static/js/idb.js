// IndexedDB as a small promise-based key-value store, in the spirit of idb-keyval:
// one database, one object store, get / set / del / values. Pages load it with a
// <script> tag and the service worker with importScripts, so it touches only `self`.
(function (global) {
  "use strict";
  var DB_NAME = "bridgework";
  var STORE = "outbox";
  var opening = null;

  function settle(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function open() {
    if (!opening) {
      var request = global.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE); };
      opening = settle(request).then(function (db) {
        // A newer schema elsewhere (another tab, a new worker): let go, reopen next time.
        db.onversionchange = function () { db.close(); opening = null; };
        return db;
      }, function (error) { opening = null; throw error; });
    }
    return opening;
  }

  // Run `work` on the store; writes resolve only once the transaction has committed.
  function withStore(mode, work) {
    return open().then(function (db) {
      var tx = db.transaction(STORE, mode);
      var result = work(tx.objectStore(STORE));
      return new Promise(function (resolve, reject) {
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onabort = tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  global.bwStore = {
    get: function (key) { return withStore("readonly", function (s) { return s.get(key); }); },
    set: function (key, value) { return withStore("readwrite", function (s) { s.put(value, key); }); },
    del: function (key) { return withStore("readwrite", function (s) { s.delete(key); }); },
    values: function () { return withStore("readonly", function (s) { return s.getAll(); }); }
  };
})(self);
