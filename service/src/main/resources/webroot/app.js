// The live transcript page: a day's meetings with their bot status and what became of them (the
// capture ledger: outcome, reason, coverage bar), and one meeting's transcript as it is spoken, with
// its gaps inline. Data comes from the read API; live changes from the event-bus bridge. After a
// dropped socket the bridge client reconnects and the page re-reads what it may have missed.
(function () {
  'use strict';

  const token = new URLSearchParams(location.search).get('token') || '';
  const labels = { requested: 'requested', joining: 'joining', awaiting_admission: 'in lobby', active: 'active',
    restarting: 'restarting', stopping: 'stopping', completed: 'completed', failed: 'failed', scheduled: 'scheduled',
    cancelled: 'cancelled' };
  const outcomes = { captured: 'captured', partial: 'partial', not_admitted: 'not admitted', bot_failed: 'bot failed',
    deaf: 'deaf', empty: 'empty', missed: 'missed', pending: 'pending', cancelled: 'cancelled', skipped: 'skipped' };
  const causes = { late_join: 'the bot joined late', lobby: 'the bot was waiting in the lobby', deaf: 'the bot could not hear',
    restart: 'the bot was restarted', stream: 'the live stream was down', unknown: 'no bot was listening' };
  const meetings = new Map();      // id -> meeting row
  const alertsByMeeting = new Map(); // id -> [alert]
  let skipped = [];                // the day's calendar events our rules did not record
  let day = localDay(new Date());  // YYYY-MM-DD, the day shown
  let selected = null;
  let selectedDetail = null;
  let coverageReload = null;
  let liveHandler = null;
  let bus = null;

  const $ = (id) => document.getElementById(id);

  async function api(path) {
    const response = await fetch(path, { headers: { Authorization: 'Bearer ' + token } });
    if (response.status === 503 && token.split('.').length === 3) {
      $('auth-error').textContent = 'Sign-in cannot be checked right now; reload in a minute.';
      $('auth-error').hidden = false;
      throw new Error('cannot check the sign-in');
    }
    if (response.status === 401 || response.status === 503) {
      refused();
      throw new Error('not authorised');
    }
    if (!response.ok) throw new Error(path + ': ' + response.status);
    return response.json();
  }

  // A sign-in token (a JWT: three dotted parts) that is refused has expired; anything else is the wrong key.
  function refused() {
    if (token.split('.').length === 3) {
      $('auth-error').textContent = 'This link has expired. Open the transcripts from TargetDialer again to get a new one.';
    }
    $('auth-error').hidden = false;
    $('connection').dataset.state = 'closed';
    $('connection').textContent = 'signed out';
    document.querySelector('main').hidden = true;
    if (bus) bus.enableReconnect(false);
  }

  // Whether a sign-in token's exp has passed (read, not verified: the service verifies it).
  function expired() {
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    try {
      const claims = JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')));
      return typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now();
    } catch (e) {
      return false;
    }
  }

  // "Signed in as alice@example.com": whose meetings these are (an admin or the operator sees everyone's).
  async function loadViewer() {
    const me = await api('/api/me');
    $('signed-in').textContent = me.person ? 'Signed in as ' + me.person + (me.admin ? ' (all meetings)' : '') : 'Operator (all meetings)';
    $('signed-in').hidden = false;
  }

  function localDay(date) {
    const pad = (n) => String(n).padStart(2, '0');
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate());
  }

  // The shown day, midnight to midnight in the reader's time zone.
  function range() {
    const [y, m, d] = day.split('-').map(Number);
    const start = new Date(y, m - 1, d);
    const end = new Date(y, m - 1, d + 1);
    return 'from=' + encodeURIComponent(start.toISOString()) + '&to=' + encodeURIComponent(end.toISOString());
  }

  async function loadMeetings() {
    const shown = day;
    const [body, coverage] = await Promise.all([api('/api/meetings?' + range()), api('/api/coverage?' + range())]);
    if (shown !== day) return;
    body.meetings.forEach((m) => meetings.set(m.id, Object.assign(meetings.get(m.id) || {}, m)));
    applyCoverage(coverage);
    renderMeetings();
  }

  function applyCoverage(coverage) {
    coverage.items.forEach((item) => { if (item.id !== null && meetings.has(item.id)) Object.assign(meetings.get(item.id), item); });
    skipped = coverage.items.filter((item) => item.id === null);
    renderSummary(coverage.totals);
  }

  // "12 meetings · 10 captured · 1 not admitted · 1 pending"
  function renderSummary(totals) {
    const parts = [totals.meetings + (totals.meetings === 1 ? ' meeting' : ' meetings')];
    Object.keys(outcomes).forEach((outcome) => { if (totals[outcome] > 0) parts.push(totals[outcome] + ' ' + outcomes[outcome]); });
    $('summary').textContent = parts.join(' · ');
  }

  // The summary counts change only when an outcome does; re-read it once after a burst of them.
  function reloadCoverageSoon() {
    clearTimeout(coverageReload);
    coverageReload = setTimeout(() => api('/api/coverage?' + range()).then((coverage) => { applyCoverage(coverage); renderMeetings(); }).catch(() => {}), 300);
  }

  function renderMeetings() {
    const list = $('meetings');
    const rows = [...meetings.values(), ...skipped].sort((a, b) => (a.scheduled_start || '').localeCompare(b.scheduled_start || ''));
    $('meetings-empty').hidden = rows.length > 0;
    list.replaceChildren(...rows.map((m) => m.id === null ? skippedRow(m) : meetingRow(m)));
  }

  function skippedRow(event) {
    const item = document.createElement('li');
    item.className = 'meeting skipped';
    item.dataset.eventId = event.calendar_event_id;
    const title = document.createElement('div');
    title.className = 'title';
    title.textContent = event.title || '(no title)';
    if (event.platform) title.prepend(platformIcon(event.platform));
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.append(outcomeBadge(event.outcome), text(timeOf(event.scheduled_start)));
    item.append(title, meta, text(event.outcome_reason, 'reason'));
    return item;
  }

  function meetingRow(m) {
    const item = document.createElement('li');
    item.className = 'meeting';
    item.dataset.meetingId = m.id;
    item.dataset.status = m.bot_status;
    item.setAttribute('aria-current', String(selected === m.id));
    const title = document.createElement('div');
    title.className = 'title';
    title.textContent = m.title || m.native_meeting_id;
    title.prepend(platformIcon(m.platform));
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.append(statusBadge(m.bot_status), text(timeOf(m.scheduled_start)), text(m.segment_count + ' segments'));
    if (m.restart_count > 0) meta.append(text('restarted ×' + m.restart_count, 'restarts'));
    const alerts = alertsByMeeting.get(m.id) || [];
    const lastAlert = alerts.length > 0 ? alerts[alerts.length - 1].message : m.last_alert;
    if (lastAlert) meta.append(text('⚠ ' + lastAlert, 'alert-badge'));
    if (m.outcome) meta.prepend(outcomeBadge(m.outcome));
    item.append(title, meta);
    if (m.outcome_reason && m.outcome !== 'pending') item.append(text(m.outcome_reason, 'reason'));
    item.append(...coverageBar(m));
    item.addEventListener('click', () => select(m.id));
    return item;
  }

  // "3 min 10 s"
  function words(seconds) {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min' + (s % 60 ? ' ' + (s % 60) + ' s' : '');
    return Math.floor(s / 3600) + ' h' + (Math.floor(s % 3600 / 60) ? ' ' + Math.floor(s % 3600 / 60) + ' min' : '');
  }

  function gapWords(gap) {
    return words(gap.seconds) + ' not captured: ' + (causes[gap.cause] || gap.cause);
  }

  // The meeting's span as a thin bar: heard time, and each gap coloured by cause (its length on hover or tap).
  function coverageBar(m) {
    if (!m.coverage_from || !m.coverage_to) return [];
    const from = Date.parse(m.coverage_from);
    const span = Date.parse(m.coverage_to) - from;
    if (!(span > 0)) return [];
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.setAttribute('role', 'img');
    bar.setAttribute('aria-label', 'coverage ' + Math.round((m.coverage_ratio || 0) * 100) + '%');
    const caption = text('', 'gap-caption');
    (m.gaps || []).forEach((gap) => {
      const part = document.createElement('span');
      part.className = 'gap';
      part.dataset.cause = gap.cause;
      part.style.left = (100 * (Date.parse(gap.from) - from) / span) + '%';
      part.style.width = (100 * (Date.parse(gap.to) - Date.parse(gap.from)) / span) + '%';
      part.title = gapWords(gap);
      part.addEventListener('click', (event) => { event.stopPropagation(); caption.textContent = gapWords(gap); });
      bar.append(part);
    });
    return [bar, caption];
  }

  const platforms = { google_meet: 'Google Meet', zoom: 'Zoom', teams: 'Microsoft Teams', jitsi: 'Jitsi' };
  const platformLetters = { google_meet: 'G', zoom: 'Z', teams: 'T', jitsi: 'J' };

  // <span class="platform" data-platform="zoom" title="Zoom">Z</span>: which call it is, at a glance.
  function platformIcon(platform) {
    const icon = badge('platform', platform, platformLetters[platform] || '?');
    icon.title = platforms[platform] || platform;
    icon.setAttribute('aria-label', icon.title);
    return icon;
  }

  function statusBadge(status) {
    return badge('status', status, labels[status]);
  }

  function outcomeBadge(outcome) {
    return badge('outcome', outcome, outcomes[outcome]);
  }

  // <span class="status" data-status="active">active</span>, and the same for outcomes.
  function badge(kind, value, label) {
    const span = document.createElement('span');
    span.className = kind;
    span.dataset[kind] = value;
    span.textContent = label || value;
    return span;
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
    selectedDetail = detail;
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
    title.prepend(platformIcon(m.platform));
    if (m.meeting_url) {
      // The link as the API gives it: without the passcode, which never leaves the service.
      const link = document.createElement('a');
      link.className = 'join-link';
      link.href = m.meeting_url;
      link.target = '_blank';
      link.rel = 'noopener';
      link.textContent = 'Open in ' + (platforms[m.platform] || 'the meeting');
      meta.append(text(' · '), link);
    }
    const outcome = document.createElement('div');
    outcome.id = 'meeting-outcome';
    outcome.className = 'meta';
    if (m.outcome) outcome.append(outcomeBadge(m.outcome), text(' ' + (m.outcome_reason || ''), 'reason'));
    header.replaceChildren(title, meta, outcome, ...coverageBar(m));
    renderAlerts();
    renderGaps(m.gaps || []);
  }

  // Each gap sits in the transcript where it happened: "— 25 s not captured: the bot was restarted —".
  function renderGaps(gaps) {
    const list = $('transcript');
    list.querySelectorAll('.gap-marker').forEach((marker) => marker.remove());
    gaps.forEach((gap) => {
      const item = document.createElement('li');
      item.className = 'gap-marker';
      item.dataset.at = gap.from;
      item.dataset.cause = gap.cause;
      item.textContent = '— ' + gapWords(gap) + ' —';
      place(list, item, gap.from);
    });
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
    if (moved && !place(list, item, at)) scrollToEnd();
    $('transcript-empty').hidden = true;
  }

  // Keeps spoken order (segments and gap markers by their time); returns the element it went before, if any.
  // New segments almost always belong at the end, so look from there.
  function place(list, item, at) {
    const time = Date.parse(at) || 0;
    let next = null;
    for (let other = list.lastElementChild; other && (Date.parse(other.dataset.at) || 0) > time; other = other.previousElementSibling) {
      if (other !== item) next = other;
    }
    list.insertBefore(item, next);
    return next;
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

  // A calendar whose credentials stopped working: its meetings still get bots, but changes are no longer seen.
  async function loadCalendars() {
    const body = await api('/api/calendars');
    const stale = body.calendars.filter((c) => c.status === 'needs_reauth');
    const banner = $('calendar-banner');
    banner.hidden = stale.length === 0;
    banner.textContent = stale.map((c) => 'Calendar ' + c.id + ' needs re-authorisation' + (c.at_risk_meetings > 0
      ? ': ' + c.at_risk_meetings + (c.at_risk_meetings === 1 ? ' meeting' : ' meetings') + ' to come still get their bots, but changes to them are no longer seen.'
      : '.') + ' Reconnect it.').join(' ');
  }

  function onUpdate(err, message) {
    if (err) return;
    const update = message.body;
    if (update.type === 'calendar' || update.alert === 'calendar_needs_reauth') {
      loadCalendars().catch(() => {});
      return;
    }
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
    if ('outcome' in update) reloadCoverageSoon();
    renderMeetings();
    if (update.id === selected) {
      const status = $('meeting-status');
      if (status) { status.dataset.status = known.bot_status; status.querySelector('.status').replaceWith(statusBadge(known.bot_status)); }
      if ('gaps' in update && selectedDetail) renderHeader(Object.assign(selectedDetail, update));
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
      loadCalendars().catch(() => {});
      if (selected !== null) loadTranscript(selected).catch(() => {});
    };
    bus.onclose = () => {
      if (expired()) { refused(); return; } // the service closes a socket when its sign-in token expires
      $('connection').dataset.state = 'closed';
      $('connection').textContent = 'reconnecting…';
    };
  }

  $('day').value = day;
  $('day').addEventListener('change', () => {
    if (!$('day').value) return;
    day = $('day').value;
    $('day-title').textContent = day === localDay(new Date()) ? 'Today' : new Date(day + 'T12:00').toLocaleDateString([], { weekday: 'long', month: 'short', day: 'numeric' });
    meetings.clear();
    skipped = [];
    renderMeetings();
    loadMeetings().catch(() => {});
  });
  $('back').addEventListener('click', () => {
    selected = null;
    document.body.classList.remove('detail');
    $('meeting-panel').hidden = true;
    renderMeetings();
  });
  window.tdSelect = select; // for tests and deep links
  loadViewer().then(loadMeetings).then(connect).catch(() => {
    if ($('auth-error').hidden) { $('connection').dataset.state = 'closed'; $('connection').textContent = 'not connected'; }
  });
})();
