/**
 * @module browser-mode/client-script
 * The browser-mode equivalent of the preload: a classic script, served by the browser-mode server
 * before the app's module script, that defines the same `window.pos` (one invoker per contract
 * command and `on`) over the local WebSocket. Plain ES2020 text, so it runs as is in any browser;
 * the command and event lists are filled in from the contract when served.
 */
import { COMMAND_NAMES, EVENT_NAMES } from '../../../shared/ipc/contract'

const SOURCE = String.raw`(function () {
  'use strict';
  var COMMANDS = __COMMANDS__;
  var EVENTS = __EVENTS__;
  var listeners = new Map();
  var pending = new Map();
  var nextId = 1;
  var socket = null;
  var ready = null;
  var down = function (message) { return { ok: false, error: { code: 'unavailable', message: message } }; };

  function connect() {
    ready = new Promise(function (resolve) {
      var ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ipc');
      socket = ws;
      ws.addEventListener('open', function () { resolve(true); });
      ws.addEventListener('close', function () {
        pending.forEach(function (settle) { settle(down('Lost the connection to the POS server.')); });
        pending.clear();
        resolve(false);
        setTimeout(connect, 1000);
      });
      ws.addEventListener('message', function (m) {
        var msg;
        try { msg = JSON.parse(m.data); } catch (e) { return; }
        if (msg && typeof msg.id === 'number' && pending.has(msg.id)) {
          var settle = pending.get(msg.id);
          pending.delete(msg.id);
          settle(msg.result);
        } else if (msg && typeof msg.event === 'string' && listeners.has(msg.event)) {
          listeners.get(msg.event).forEach(function (l) {
            try { l(msg.payload); } catch (e) { console.error(e); }
          });
        }
      });
    });
  }

  function invoke(command, request) {
    return ready.then(function (ok) {
      if (!ok || !socket || socket.readyState !== 1) return down('Not connected to the POS server.');
      var id = nextId++;
      return new Promise(function (resolve) {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id: id, command: command, request: request }));
      });
    });
  }

  var api = {};
  COMMANDS.forEach(function (name) {
    api[name] = function (request) { return invoke(name, request); };
  });
  api.on = function (event, listener) {
    if (EVENTS.indexOf(event) < 0) throw new Error('Unknown event "' + String(event) + '"');
    if (typeof listener !== 'function') throw new Error('on(event, listener): listener must be a function');
    if (!listeners.has(event)) listeners.set(event, new Set());
    listeners.get(event).add(listener);
    return function () { listeners.get(event).delete(listener); };
  };
  connect();
  Object.defineProperty(window, 'pos', { value: Object.freeze(api), writable: false, configurable: false, enumerable: true });
})();
`

/** The client script text with the contract's command and event lists. */
export function clientScript(): string {
  return SOURCE.replace('__COMMANDS__', JSON.stringify(COMMAND_NAMES)).replace(
    '__EVENTS__',
    JSON.stringify(EVENT_NAMES),
  )
}
