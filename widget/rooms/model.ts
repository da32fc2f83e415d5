import {
  ChatError,
  ErrorCodes,
  isChatError,
  type Chat,
  type Jid,
  type Occupant,
  type RoomAffiliation,
  type RoomInvite,
} from '../../sdk/index.js';

/** A room as the views show it: a snapshot, replaced when anything in it changes. */
export interface RoomView {
  /** The room's bare JID. */
  readonly jid: Jid;
  /**
   * The room's name, as it was created here or as our bookmark gives it (else the views show the
   * address's local part).
   */
  readonly name?: string;
  /** Our nickname. */
  readonly nick: string;
  /** The subject (`''` when none). */
  readonly subject: string;
  /** Everyone in the room, moderators and owners first. */
  readonly occupants: readonly Occupant[];
  /** False while rejoining after a new session. */
  readonly joined: boolean;
  /** Whether the room keeps an archive, when known. */
  readonly archived?: boolean;
}

/** What the join/create dialog asks for. */
export interface RoomRequest {
  /** The room's bare JID. */
  jid: Jid;
  nick: string;
  password?: string;
  /** Create a new room (fails with `conflict` when one exists at that address). */
  create: boolean;
  /** For a new room: its name. */
  name?: string;
  /** For a new room: keep an archive of its messages. */
  archive?: boolean;
}

/** A room address for what the user typed: a full address as it is, else a name on `service`. */
export function roomAddress(text: string, service: Jid | undefined): Jid | undefined {
  const value = text.trim();
  if (/^[^\s@/]+@[^\s@/]+$/u.test(value)) return value.toLowerCase();
  if (!service) return undefined;
  const local = value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return local ? `${local}@${service}` : undefined;
}

const ORDER: Record<RoomAffiliation, number> = { owner: 0, admin: 1, member: 2, none: 3, outcast: 4 };

/** Occupants in list order: by affiliation, moderators first, then by nickname. Pure. */
export function sortOccupants(occupants: readonly Occupant[]): Occupant[] {
  return [...occupants].sort(
    (a, b) =>
      ORDER[a.affiliation] - ORDER[b.affiliation] ||
      Number(b.role === 'moderator') - Number(a.role === 'moderator') ||
      a.nick.localeCompare(b.nick),
  );
}

/**
 * The rooms part of the widget's view model: the rooms we are in, with subject and occupants,
 * kept live from the SDK's events; join, create, invite and leave.
 */
export class RoomsModel {
  /** The rooms we are in, by name. */
  rooms: readonly RoomView[] = [];
  /** Invitations to rooms, not answered yet (one per room, the newest). */
  invites: readonly RoomInvite[] = [];

  private chat: Chat | undefined;
  private readonly changed: () => void;
  /** What we know about rooms beyond the SDK's live state: names and whether they archive. */
  private details = new Map<Jid, { name?: string; archived?: boolean }>();
  /** The names our bookmarks give rooms (for rooms joined from them, on any device). */
  private bookmarked = new Map<Jid, string>();

  constructor(changed: () => void) {
    this.changed = changed;
  }

  /** Follows a session's rooms; returns the functions that stop it. */
  attach(chat: Chat): Array<() => void> {
    this.chat = chat;
    const refresh = () => this.refresh();
    return [
      chat.on('room:joined', refresh),
      chat.on('room:left', refresh),
      chat.on('room:occupant', refresh),
      chat.on('room:subject', refresh),
      chat.on('room:invite', ({ invite }) => {
        if (chat.rooms.get(invite.room)) return;
        this.invites = [...this.invites.filter((i) => i.room !== invite.room), invite];
        this.changed();
      }),
      // Discovery names the group chat service, for room names without a domain.
      chat.on('server', () => this.changed()),
      chat.on('bookmarks:changed', ({ bookmarks }) => {
        this.bookmarked = new Map(bookmarks.flatMap((b) => (b.name ? [[b.jid, b.name] as const] : [])));
        this.refresh();
      }),
    ];
  }

  /** The group chat service the server offers, if any (for room names without a domain). */
  get service(): Jid | undefined {
    return this.chat?.server?.mucService;
  }

  /** The room with this JID, if we are in it. */
  get(jid: Jid): RoomView | undefined {
    return this.rooms.find((r) => r.jid === jid);
  }

  /** Whether `jid` is a room we are in. */
  has(jid: Jid): boolean {
    return this.chat?.rooms.get(jid) !== undefined;
  }

  /** Reads the rooms again. */
  refresh(): void {
    const chat = this.chat;
    if (!chat) return;
    this.rooms = chat.rooms
      .list()
      .map((room) => {
        const details = this.details.get(room.jid) ?? {};
        const name = details.name ?? this.bookmarked.get(room.jid);
        return {
          jid: room.jid,
          nick: room.nick,
          subject: room.subject,
          occupants: sortOccupants(room.occupants),
          joined: room.joined,
          ...(name ? { name } : {}),
          ...(details.archived !== undefined ? { archived: details.archived } : {}),
        };
      })
      .sort((a, b) => (a.name ?? a.jid).localeCompare(b.name ?? b.jid));
    this.changed();
  }

  /** Forgets the session's rooms (sign-out). */
  clear(): void {
    this.chat = undefined;
    this.rooms = [];
    this.invites = [];
    this.details.clear();
    this.bookmarked.clear();
  }

  private get api(): Chat {
    if (!this.chat) throw new ChatError(ErrorCodes.notConnected, 'Not signed in');
    return this.chat;
  }

  /**
   * Joins an existing room, or creates a new one (persistent, with the archive switched as asked).
   *
   * @throws ChatError `conflict` when creating a room whose address is taken; the SDK's join
   * errors otherwise (`password-required`, `nickname-conflict`, `item-not-found`, …).
   */
  async join(request: RoomRequest): Promise<void> {
    const chat = this.api;
    if (request.create) {
      const exists = await chat.rooms.info(request.jid).then(
        () => true,
        (error: unknown) => {
          if (isChatError(error) && error.code === 'item-not-found') return false;
          throw error;
        },
      );
      if (exists) throw new ChatError(ErrorCodes.conflict, 'A room with this address exists');
      const name = request.name?.trim();
      await chat.rooms.join(request.jid, {
        nick: request.nick,
        create: true,
        config: { ...(name ? { name } : {}), persistent: true, archive: request.archive ?? false },
      });
      this.details.set(request.jid, { ...(name ? { name } : {}), archived: request.archive ?? false });
    } else {
      await chat.rooms.join(request.jid, {
        nick: request.nick,
        create: false,
        retryWithSuffix: true,
        ...(request.password ? { password: request.password } : {}),
      });
      try {
        const info = await chat.rooms.info(request.jid);
        this.details.set(request.jid, { ...(info.name ? { name: info.name } : {}), archived: info.archived });
      } catch (error) {
        // Only the room's name and archive flag are missing then; the room works without them.
        console.warn('mailbox-chat: could not read the room’s details', error);
      }
    }
    await this.bookmark(request);
    this.refresh();
  }

  /**
   * Keeps a room joined here in the account's bookmarks, with autojoin: the next session (a new
   * tab, another device, tomorrow) is in it again, as the user left it. A failure costs only that.
   */
  private async bookmark(request: RoomRequest): Promise<void> {
    const chat = this.api;
    const room = chat.rooms.get(request.jid);
    const name = this.details.get(request.jid)?.name;
    try {
      await chat.bookmarks.add({
        jid: request.jid,
        ...(name ? { name } : {}),
        ...(room ? { nick: room.nick } : {}),
        ...(request.password ? { password: request.password } : {}),
        autojoin: true,
      });
    } catch (error) {
      console.warn('mailbox-chat: could not bookmark the room', error);
    }
  }

  /** Answers an invitation: join the room (with the password it carried), or decline it. */
  async answer(invite: RoomInvite, accept: boolean, nick: string): Promise<void> {
    if (accept) {
      await this.join({
        jid: invite.room,
        nick,
        create: false,
        ...(invite.password ? { password: invite.password } : {}),
      });
    } else this.api.rooms.decline(invite);
    this.invites = this.invites.filter((i) => i !== invite);
    this.changed();
  }

  /**
   * Leaves a room and drops its bookmark, so that no session joins it again; its conversation
   * stays in the list until sign-out.
   */
  async leave(jid: Jid): Promise<void> {
    const chat = this.chat;
    await chat?.rooms.get(jid)?.leave();
    await chat?.bookmarks.remove(jid).catch((error: unknown) => {
      console.warn('mailbox-chat: could not remove the room’s bookmark', error);
    });
    this.refresh();
  }

  /** Invites someone to a room (mediated through the room, so it can make them a member). */
  invite(room: Jid, jid: Jid): void {
    const live = this.api.rooms.get(room);
    if (!live) throw new ChatError(ErrorCodes.notConnected, 'Not in this room');
    live.invite(jid);
  }

  /** Sends a message to a room. Returns false when `jid` is not a room we are in. */
  send(jid: Jid, body: string): boolean {
    const room = this.chat?.rooms.get(jid);
    if (!room) return false;
    room.send(body);
    return true;
  }
}
