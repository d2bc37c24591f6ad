'use strict';
// The admin page: polls /api/status and /api/sessions with the bearer token from the address's fragment
// (#token=…, which never reaches a server log), draws the relayed packets per second, and gathers ICE
// candidates against this server with credentials it mints for the test.

const POLL_MS = 2000;
const CHART_POINTS = 90;
const GATHER_TIMEOUT_MS = 15000;

const token = new URLSearchParams(location.hash.slice(1)).get('token') || sessionStorage.getItem('turnkit-token');
if (token) {
  sessionStorage.setItem('turnkit-token', token);
}

const history = [];
let previous = null;

async function api(method, path) {
  const response = await fetch(path, { method, headers: { Authorization: 'Bearer ' + token } });
  if (!response.ok) {
    throw new Error(method + ' ' + path + ': ' + response.status);
  }
  return response.json();
}

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  row.appendChild(td);
  return td;
}

function bytes(count) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return (unit === 0 ? value : value.toFixed(1)) + ' ' + units[unit];
}

function showStatus(status) {
  const element = document.getElementById('status');
  element.textContent = 'version ' + status.version + ' · up ' + status.uptimeSeconds + ' s · '
      + status.allocations + ' allocations · load ' + (status.load.loadAverage === null ? '?'
      : status.load.loadAverage.toFixed(2)) + ' on ' + status.load.processors + ' cpus · '
      + status.listeners.join(', ') + (status.draining ? ' · ' : '');
  if (status.draining) {
    const draining = document.createElement('span');
    draining.className = 'draining';
    draining.textContent = 'DRAINING';
    element.appendChild(draining);
  }
  document.getElementById('drain').disabled = status.draining;
  const now = performance.now();
  if (previous) {
    const seconds = (now - previous.at) / 1000;
    history.push({
      toPeer: Math.max(0, status.relayedToPeer - previous.toPeer) / seconds,
      toClient: Math.max(0, status.relayedToClient - previous.toClient) / seconds,
    });
    if (history.length > CHART_POINTS) {
      history.shift();
    }
  }
  previous = { at: now, toPeer: status.relayedToPeer, toClient: status.relayedToClient };
  drawChart();
}

function drawChart() {
  const canvas = document.getElementById('chart');
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, canvas.width, canvas.height);
  const top = Math.max(1, ...history.map(point => Math.max(point.toPeer, point.toClient)));
  context.fillStyle = '#6b7385';
  context.font = '11px system-ui, sans-serif';
  context.fillText(Math.round(top) + ' pkt/s', 4, 12);
  for (const [key, colour] of [['toPeer', '#2f6fdf'], ['toClient', '#e07a1f']]) {
    context.strokeStyle = colour;
    context.lineWidth = 2;
    context.beginPath();
    history.forEach((point, index) => {
      const x = index * canvas.width / (CHART_POINTS - 1);
      const y = canvas.height - 4 - point[key] / top * (canvas.height - 20);
      if (index === 0) {
        context.moveTo(x, y);
      } else {
        context.lineTo(x, y);
      }
    });
    context.stroke();
  }
}

function showSessions(sessions) {
  document.getElementById('session-count').textContent = '(' + sessions.length + ')';
  const body = document.querySelector('#sessions tbody');
  body.replaceChildren();
  for (const session of sessions) {
    const row = document.createElement('tr');
    row.dataset.id = session.id;
    // In a cluster, another node's sessions come from its registration: no peers or counts, closed on that node.
    const local = session.peers !== undefined;
    cell(row, session.node === undefined ? session.id : session.node + '/' + session.id, 'number');
    cell(row, session.user);
    cell(row, session.client);
    cell(row, session.transport);
    cell(row, session.relayed.join(', '));
    cell(row, local ? session.peers.join(', ') : '');
    cell(row, local ? bytes(session.toPeers.bytes) + ' / ' + session.toPeers.packets + ' pkt' : '', 'number');
    cell(row, local ? bytes(session.toClient.bytes) + ' / ' + session.toClient.packets + ' pkt' : '', 'number');
    cell(row, session.ageSeconds + ' s', 'number');
    const actions = cell(row, '');
    if (local) {
      const close = document.createElement('button');
      close.type = 'button';
      close.textContent = 'Close';
      close.addEventListener('click', () => api('DELETE', '/api/sessions/' + session.id).then(poll, report));
      actions.appendChild(close);
    }
    body.appendChild(row);
  }
}

function report(error) {
  document.getElementById('status').textContent = error.message;
}

async function poll() {
  try {
    showStatus(await api('GET', '/api/status'));
    showSessions((await api('GET', '/api/sessions')).sessions);
  } catch (error) {
    report(error);
  }
}

function candidateRow(candidate, url) {
  const row = document.createElement('tr');
  cell(row, candidate.type);
  cell(row, candidate.address || '');
  cell(row, candidate.port === null ? '' : candidate.port, 'number');
  cell(row, candidate.protocol);
  cell(row, url || '');
  return row;
}

async function gather() {
  const state = document.getElementById('test-state');
  const body = document.querySelector('#candidates tbody');
  body.replaceChildren();
  state.textContent = 'gathering…';
  const { iceServers } = await api('POST', '/api/ice-servers');
  const connection = new RTCPeerConnection({ iceServers, iceCandidatePoolSize: 0 });
  connection.createDataChannel('test');
  let count = 0;
  const done = new Promise(resolve => {
    connection.addEventListener('icecandidate', event => {
      if (event.candidate === null) {
        resolve();
        return;
      }
      if (event.candidate.candidate) {
        count++;
        body.appendChild(candidateRow(event.candidate, event.candidate.url));
      }
    });
    connection.addEventListener('icecandidateerror', event => {
      const row = document.createElement('tr');
      cell(row, 'error');
      cell(row, event.errorCode + ' ' + event.errorText);
      cell(row, '');
      cell(row, '');
      cell(row, event.url || '');
      body.appendChild(row);
    });
    setTimeout(resolve, GATHER_TIMEOUT_MS);
  });
  await connection.setLocalDescription(await connection.createOffer());
  await done;
  connection.close();
  const relays = [...body.querySelectorAll('tr')].filter(row => row.firstChild.textContent === 'relay').length;
  state.textContent = count + ' candidates, ' + relays + ' relay';
  state.dataset.done = 'true';
}

document.getElementById('drain').addEventListener('click', () => {
  if (confirm('Drain this server? New allocations are refused, and it stops once the last one has ended.')) {
    api('POST', '/api/drain').then(showStatus, report);
  }
});
document.getElementById('test').addEventListener('click', () => gather().catch(error => {
  document.getElementById('test-state').textContent = error.message;
}));

if (token) {
  poll();
  setInterval(poll, POLL_MS);
} else {
  document.getElementById('token-missing').hidden = false;
}
