// The live transcript page: today's meetings with their bot status, and one meeting's transcript
// as it is spoken. Data comes from the read API; live changes from the event-bus bridge. After a
// dropped socket the bridge client reconnects and the page re-reads what it may have missed.
(function () {
  'use strict';

  const token = new URLSearchParams(location.search).get('token') || '';
  const labels = { requested: 'requested', joining: 'joining', awaiting_admission: 'in lobby', active: 'active',
    restarting: 'restarting', stopping: 'stopping', completed: 'completed', failed: 'failed', scheduled: 'scheduled',
    cancelled: 'cancelled' };
  const meetings = new Map();      // id -> meeting row
  const alertsByMeeting = new Map(); // id -> [alert]
  let selected = null;
  let liveHandler = null;
  let bus = null;

  const $ = (id) => document.getElementById(id);

  async function api(path) {
    const response = await fetch(path, { headers: { Authorization: 'Bearer ' + token } });
    if (response.status === 401 || response.status === 503) {
      $('auth-error').hidden = false;
      throw new Error('not authorised');
    }
    if (!response.ok) throw new Error(path + ': ' + response.status);
    return response.json();
  }

  function today() {
    const start = new Date(); start.setHours(0, 0, 0, 0);
    const end = new Date(start); end.setDate(end.getDate() + 1);
    return 'from=' + encodeURIComponent(start.toISOString()) + '&to=' + encodeURIComponent(end.toISOString());
  }

  async function loadMeetings() {
    const body = await api('/api/meetings?' + today());
    body.meetings.forEach((m) => meetings.set(m.id, Object.assign(meetings.get(m.id) || {}, m)));
    renderMeetings();
  }

  function renderMeetings() {
    const list = $('meetings');
    const rows = [...meetings.values()].sort((a, b) => (a.scheduled_start || '').localeCompare(b.scheduled_start || ''));
    $('meetings-empty').hidden = rows.length > 0;
    list.replaceChildren(...rows.map((m) => {
      const item = document.createElement('li');
      item.className = 'meeting';
      item.dataset.meetingId = m.id;
      item.dataset.status = m.bot_status;
      item.setAttribute('aria-current', String(selected === m.id));
      const title = document.createElement('div');
      title.className = 'title';
      title.textContent = m.title || m.native_meeting_id;
      const meta = document.createElement('div');
      meta.className = 'meta';
      meta.append(statusBadge(m.bot_status), text(timeOf(m.scheduled_start)), text(m.segment_count + ' segments'));
      if (m.restart_count > 0) meta.append(text('restarted ×' + m.restart_count, 'restarts'));
      const alerts = alertsByMeeting.get(m.id) || [];
      const lastAlert = alerts.length > 0 ? alerts[alerts.length - 1].message : m.last_alert;
      if (lastAlert) meta.append(text('⚠ ' + lastAlert, 'alert-badge'));
      item.append(title, meta);
      item.addEventListener('click', () => select(m.id));
      return item;
    }));
  }

  function statusBadge(status) {
    const badge = document.createElement('span');
    badge.className = 'status';
    badge.dataset.status = status;
    badge.textContent = labels[status] || status;
    return badge;
  }

  function text(value, className) {
    const span = document.createElement('span');
    if (className) span.className = className;
    span.textContent = value;
    return span;
  }

  function timeOf(iso) {
    return iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
  }

  async function select(id) {
    selected = id;
    document.body.classList.add('detail');
    $('meeting-panel').hidden = false;
    $('meeting-panel').dataset.meetingId = id;
    $('transcript').replaceChildren();
    segmentsByKey.clear();
    renderMeetings();
    follow(id);
    const detail = await api('/api/meetings/' + id);
    if (selected !== id) return;
    alertsByMeeting.set(id, detail.events.filter((e) => e.level !== 'info')
      .map((e) => ({ level: e.level, alert: e.type, message: e.detail.message || e.type, meeting: e.detail.meeting })));
    renderHeader(detail);
    await loadTranscript(id);
  }

  function renderHeader(m) {
    const header = $('meeting-header');
    const title = document.createElement('h3');
    title.textContent = m.title || m.native_meeting_id;
    const meta = document.createElement('div');
    meta.className = 'meta muted';
    meta.id = 'meeting-status';
    meta.dataset.status = m.bot_status;
    meta.append(statusBadge(m.bot_status), text(' ' + m.native_meeting_id + (m.restart_count ? ' · restarted ×' + m.restart_count : '')));
    header.replaceChildren(title, meta);
    renderAlerts();
  }

  // Alerts name the meeting as people do: its title and meeting code.
  function meetingLabel(meeting) {
    if (!meeting) return '';
    const parts = [meeting.title ? '“' + meeting.title + '”' : null, meeting.native_meeting_id].filter(Boolean);
    return parts.length > 0 ? ' — ' + parts.join(' · ') : '';
  }

  function renderAlerts() {
    const alerts = alertsByMeeting.get(selected) || [];
    $('alerts').replaceChildren(...alerts.map((a) => {
      const item = document.createElement('li');
      item.dataset.level = a.level;
      item.dataset.alert = a.alert;
      item.textContent = (a.level === 'critical' ? 'CRITICAL: ' : 'Alert: ') + a.message + meetingLabel(a.meeting);
      return item;
    }));
  }

  async function loadTranscript(id) {
    let cursor = null;
    do {
      const page = await api('/api/meetings/' + id + '/transcript?limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      if (selected !== id) return;
      page.segments.forEach(upsertSegment);
      cursor = page.next_cursor;
    } while (cursor);
  }

  const segmentsByKey = new Map(); // segment_key -> element of the open transcript
  let scrollPending = false;

  function upsertSegment(s) {
    const list = $('transcript');
    let item = segmentsByKey.get(s.segment_key);
    if (s.retracted) {
      if (item) { item.remove(); segmentsByKey.delete(s.segment_key); }
      $('transcript-empty').hidden = list.children.length > 0;
      return;
    }
    if (!item) {
      item = document.createElement('li');
      item.className = 'segment';
      item.dataset.key = s.segment_key;
      item.append(document.createElement('time'), text('', 'speaker'), text('', 'text'));
      segmentsByKey.set(s.segment_key, item);
    } else if (item.dataset.completed === 'true' && !s.completed) {
      return; // a confirmation is never replaced by a draft
    }
    const at = s.absolute_start_time || '';
    const moved = item.dataset.at !== at || !item.isConnected;
    item.dataset.at = at;
    item.dataset.completed = String(!!s.completed);
    item.querySelector('time').textContent = at ? new Date(at).toLocaleTimeString() : '';
    item.querySelector('.speaker').textContent = s.speaker || 'Unknown speaker';
    item.querySelector('.text').textContent = s.text;
    if (moved) {
      // Keep spoken order. New segments almost always belong at the end, so look from there.
      let next = null;
      for (let other = list.lastElementChild; other && (other.dataset.at || '') > at; other = other.previousElementSibling) {
        if (other !== item) next = other;
      }
      list.insertBefore(item, next);
      if (!next) scrollToEnd();
    }
    $('transcript-empty').hidden = true;
  }

  // Follow the conversation only when the reader is already at the bottom; once per frame.
  function scrollToEnd() {
    if (scrollPending) return;
    scrollPending = true;
    const atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
    requestAnimationFrame(() => {
      scrollPending = false;
      if (atBottom) window.scrollTo(0, document.body.scrollHeight);
    });
  }

  function follow(id) {
    if (liveHandler && bus && bus.state === EventBus.OPEN) {
      bus.unregisterHandler(liveHandler.address, liveHandler.fn);
    }
    liveHandler = { address: 'transcript.live.' + id, fn: (err, message) => { if (!err && selected === id) upsertSegment(message.body); } };
    if (bus && bus.state === EventBus.OPEN) bus.registerHandler(liveHandler.address, liveHandler.fn);
  }

  function onUpdate(err, message) {
    if (err) return;
    const update = message.body;
    if (update.type === 'alert') {
      const list = alertsByMeeting.get(update.meeting_id) || [];
      list.push(update);
      alertsByMeeting.set(update.meeting_id, list);
      if (update.meeting_id === selected) renderAlerts();
      renderMeetings();
      return;
    }
    const known = meetings.get(update.id);
    if (!known) { loadMeetings().catch(() => {}); return; }
    Object.keys(update).forEach((key) => { if (update[key] !== null && update[key] !== undefined) known[key] = update[key]; });
    renderMeetings();
    if (update.id === selected) {
      const status = $('meeting-status');
      if (status) { status.dataset.status = known.bot_status; status.querySelector('.status').replaceWith(statusBadge(known.bot_status)); }
    }
  }

  function connect() {
    bus = new EventBus('/eventbus?token=' + encodeURIComponent(token));
    bus.enableReconnect(true);
    bus.onopen = () => {
      $('connection').dataset.state = 'open';
      $('connection').textContent = 'live';
      bus.registerHandler('meetings.updates', onUpdate);
      if (liveHandler) bus.registerHandler(liveHandler.address, liveHandler.fn);
      // Whatever happened while the socket was down is only in the API.
      loadMeetings().catch(() => {});
      if (selected !== null) loadTranscript(selected).catch(() => {});
    };
    bus.onclose = () => {
      $('connection').dataset.state = 'closed';
      $('connection').textContent = 'reconnecting…';
    };
  }

  $('back').addEventListener('click', () => {
    selected = null;
    document.body.classList.remove('detail');
    $('meeting-panel').hidden = true;
    renderMeetings();
  });
  window.tdSelect = select; // for tests and deep links
  loadMeetings().then(connect).catch(() => { $('connection').dataset.state = 'closed'; $('connection').textContent = 'not connected'; });
})();
