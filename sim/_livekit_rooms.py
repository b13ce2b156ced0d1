"""In-memory state of the LiveKit RoomService: rooms and their participants.

A simulated call watches its room (`RoomState.watch`): data packets published to it
(``SendData``, a SIP caller's DTMF) and its deletion reach the call as they would reach
a participant connected to a real room.
"""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from google.protobuf.message import Message
from livekit.protocol import models, room

from ._twirp import TwirpFailure

__all__ = ["RoomState", "RoomWatcher"]

_ALPHABET = string.ascii_letters + string.digits


def _sid(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(12))


class RoomWatcher(Protocol):
    """What a connected participant hears from the server about its room."""

    def on_data(self, packet: models.DataPacket) -> None: ...

    def on_deleted(self) -> None: ...


@dataclass
class RoomState:
    """Rooms by name, participants by room then identity, and what was torn down."""

    rooms: dict[str, models.Room] = field(default_factory=dict)
    participants: dict[str, dict[str, models.ParticipantInfo]] = field(default_factory=dict)
    deleted_rooms: list[str] = field(default_factory=list)
    removed_participants: list[tuple[str, str]] = field(default_factory=list)
    moved_participants: list[tuple[str, str, str]] = field(default_factory=list)
    sent_data: list[room.SendDataRequest] = field(default_factory=list)
    _watchers: dict[str, list[RoomWatcher]] = field(default_factory=dict)

    def watch(self, room_name: str, watcher: RoomWatcher) -> None:
        """Deliver the room's data packets and its deletion to ``watcher``."""
        self._watchers.setdefault(room_name, []).append(watcher)

    def publish(self, room_name: str, packet: models.DataPacket) -> None:
        """A participant of the room publishes a data packet (a SIP caller's DTMF)."""
        self._room(room_name)
        for watcher in self._watchers.get(room_name, []):
            watcher.on_data(packet)

    def handlers(self) -> Mapping[str, Callable[[Any], Message]]:
        """Method name -> handler; each takes the request message."""
        return {
            "CreateRoom": self.create_room,
            "ListRooms": self.list_rooms,
            "DeleteRoom": self.delete_room,
            "ListParticipants": self.list_participants,
            "GetParticipant": self.get_participant,
            "RemoveParticipant": self.remove_participant,
            "UpdateParticipant": self.update_participant,
            "SendData": self.send_data,
            "MoveParticipant": self.move_participant,
        }

    def ensure_room(self, name: str) -> models.Room:
        existing = self.rooms.get(name)
        if existing is not None:
            return existing
        now = time.time()
        created = models.Room(
            sid=_sid("RM_"),
            name=name,
            creation_time=int(now),
            creation_time_ms=int(now * 1000),
            empty_timeout=300,
            departure_timeout=20,
        )
        self.rooms[name] = created
        self.participants[name] = {}
        return created

    def add_participant(
        self,
        room_name: str,
        identity: str,
        *,
        kind: models.ParticipantInfo.Kind = models.ParticipantInfo.Kind.SIP,
        attributes: Mapping[str, str] | None = None,
        name: str = "",
        metadata: str = "",
    ) -> models.ParticipantInfo:
        """Put a participant in a room (created on demand), as a joining caller would."""
        self.ensure_room(room_name)
        participant = models.ParticipantInfo(
            sid=_sid("PA_"),
            identity=identity,
            name=name,
            metadata=metadata,
            kind=kind,
            state=models.ParticipantInfo.State.ACTIVE,
            joined_at=int(time.time()),
            joined_at_ms=int(time.time() * 1000),
            attributes=dict(attributes or {}),
        )
        self.participants[room_name][identity] = participant
        self._count(room_name)
        return participant

    def participant(self, room_name: str, identity: str) -> models.ParticipantInfo:
        found = self.participants.get(room_name, {}).get(identity)
        if found is None:
            raise TwirpFailure(
                "not_found", f"participant {identity!r} not found in room {room_name!r}"
            )
        return found

    def move_participant(self, req: room.MoveParticipantRequest) -> room.MoveParticipantResponse:
        """``livekit/livekit`` ``pkg/service/roomservice.go`` ``MoveParticipant``: the
        destination must be another room (``invalid_argument``), then the participant's
        own node moves it; here: it must be in the source room (``not_found``) and the
        destination must exist, and it leaves one and joins the other with the same
        identity. livekit-api says the move is a LiveKit Cloud / Private Cloud feature
        (docs/handoff.md)."""
        if req.room == req.destination_room:
            raise TwirpFailure(
                "invalid_argument", "destination room cannot be the same as source room"
            )
        moved = self.participant(req.room, req.identity)
        self._room(req.destination_room)
        del self.participants[req.room][req.identity]
        self._count(req.room)
        self.participants[req.destination_room][req.identity] = moved
        self._count(req.destination_room)
        self.moved_participants.append((req.room, req.identity, req.destination_room))
        return room.MoveParticipantResponse()

    def remove(self, room_name: str, identity: str) -> None:
        self.participant(room_name, identity)
        del self.participants[room_name][identity]
        self.removed_participants.append((room_name, identity))
        self._count(room_name)

    def _count(self, room_name: str) -> None:
        self.rooms[room_name].num_participants = len(self.participants[room_name])

    def _room(self, name: str) -> models.Room:
        found = self.rooms.get(name)
        if found is None:
            raise TwirpFailure("not_found", f"room {name!r} not found")
        return found

    # -- RPCs -----------------------------------------------------------------------

    def create_room(self, req: room.CreateRoomRequest) -> models.Room:
        if not req.name:
            raise TwirpFailure("invalid_argument", "room name is required")
        # The server answers an existing room's create with that room, unchanged.
        if req.name in self.rooms:
            return self.rooms[req.name]
        created = self.ensure_room(req.name)
        created.metadata = req.metadata
        if req.empty_timeout:
            created.empty_timeout = req.empty_timeout
        if req.departure_timeout:
            created.departure_timeout = req.departure_timeout
        created.max_participants = req.max_participants
        return created

    def list_rooms(self, req: room.ListRoomsRequest) -> room.ListRoomsResponse:
        names = set(req.names)
        return room.ListRoomsResponse(
            rooms=[r for n, r in self.rooms.items() if not names or n in names]
        )

    def delete_room(self, req: room.DeleteRoomRequest) -> room.DeleteRoomResponse:
        self._room(req.room)
        del self.rooms[req.room]
        self.participants.pop(req.room, None)
        self.deleted_rooms.append(req.room)
        for watcher in self._watchers.pop(req.room, []):
            watcher.on_deleted()
        return room.DeleteRoomResponse()

    def send_data(self, req: room.SendDataRequest) -> room.SendDataResponse:
        self._room(req.room)
        self.sent_data.append(req)
        packet = models.DataPacket(
            kind=req.kind,
            destination_identities=list(req.destination_identities),
            user=models.UserPacket(payload=req.data, topic=req.topic or None),
        )
        for watcher in self._watchers.get(req.room, []):
            watcher.on_data(packet)
        return room.SendDataResponse()

    def list_participants(self, req: room.ListParticipantsRequest) -> room.ListParticipantsResponse:
        self._room(req.room)
        return room.ListParticipantsResponse(
            participants=list(self.participants[req.room].values())
        )

    def get_participant(self, req: room.RoomParticipantIdentity) -> models.ParticipantInfo:
        return self.participant(req.room, req.identity)

    def remove_participant(
        self, req: room.RoomParticipantIdentity
    ) -> room.RemoveParticipantResponse:
        self.remove(req.room, req.identity)
        return room.RemoveParticipantResponse()

    def update_participant(self, req: room.UpdateParticipantRequest) -> models.ParticipantInfo:
        participant = self.participant(req.room, req.identity)
        if req.metadata:
            participant.metadata = req.metadata
        if req.name:
            participant.name = req.name
        for key, value in req.attributes.items():
            # An empty value deletes the attribute, as on the server.
            if value:
                participant.attributes[key] = value
            else:
                participant.attributes.pop(key, None)
        if req.HasField("permission"):
            participant.permission.CopyFrom(req.permission)
        return participant
