"""End to end: the real Application polls the emulator; the test plays the users."""

from __future__ import annotations

import asyncio

from tests.conftest import ADMIN_ID, OFFICER_ID


async def _load_corpus(application, corpus):
    kb = application.bot_data.kb
    await asyncio.to_thread(kb.add_paths, sorted(corpus.glob("*.txt")))


async def test_start_help_and_command_menu(running_bot):
    application, emu = running_bot
    chat = emu.chat(emu.user(OFFICER_ID, "Lan"))
    reply = await chat.say("/start")
    assert "Xin chào, Lan" in reply.text
    assert "cải cách hành chính" in reply.text
    reply = await chat.say("/huongdan")
    assert "/chitieu" in reply.text and "/hoi" in reply.text
    assert "Quản trị" not in reply.text  # admin help is for admins only
    reply = await chat.say("/help")
    assert "Hướng dẫn" in reply.text
    commands = [params for method, params in emu.calls if method == "setMyCommands"]
    assert commands, "the command menu is set at start-up"
    assert "Hỏi đáp" in str(commands[0])


async def test_question_with_and_without_diacritics_cites_document(running_bot, corpus):
    application, emu = running_bot
    await _load_corpus(application, corpus)
    chat = emu.chat(emu.user(OFFICER_ID, "Lan"))
    for question in ("chi tieu sipas nam 2022", "Chỉ tiêu SIPAS năm 2022 là bao nhiêu?"):
        reply = await chat.say(question)
        assert "85%" in reply.text
        assert "27/KH-UBND" in reply.text  # the citation: number
        assert "hanoi-2022-kh27-5-ro.txt" in reply.text  # and file
        assert reply.parse_mode == "HTML"
    reply = await chat.say("/hoi Hà Nội có bao nhiêu TTHC đủ điều kiện triển khai DVCTT mức độ 3, 4?")
    assert "1.720" in reply.text


async def test_unanswerable_question_is_refused_with_suggestions(running_bot, corpus):
    application, emu = running_bot
    await _load_corpus(application, corpus)
    chat = emu.chat(emu.user(OFFICER_ID, "Lan"))
    reply = await chat.say("Tỷ giá đô la hôm nay?")
    assert "không tìm thấy" in reply.text.lower()
    assert "/chitieu" in reply.text


async def test_empty_kb_and_usage_messages(running_bot):
    application, emu = running_bot
    chat = emu.chat(emu.user(OFFICER_ID, "Lan"))
    reply = await chat.say("/hoi")
    assert "/hoi chỉ tiêu SIPAS" in reply.text
    reply = await chat.say("sipas 2022")
    assert "chưa có tài liệu" in reply.text.lower()
    reply = await chat.say("/khonglenhnay")
    assert "không biết lệnh" in reply.text and "/khonglenhnay" in reply.text


async def test_targets_handbook(running_bot):
    application, emu = running_bot
    chat = emu.chat(emu.user(OFFICER_ID, "Lan"))
    reply = await chat.say("/chitieu 2022")
    assert "SIPAS" in reply.text and "Trên 85%" in reply.text and "27/KH-UBND" in reply.text
    assert "Huế" not in reply.text
    reply = await chat.say("/targets hue")
    assert "Huế" in reply.text and "9535/QĐ-UBND" in reply.text
    reply = await chat.say("/chitieu khongcogi")
    assert "Không có chỉ tiêu" in reply.text


async def test_admin_adds_document_in_chat_and_others_cannot(running_bot):
    application, emu = running_bot
    admin = emu.chat(emu.user(ADMIN_ID, "Minh"))
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    text = (
        "Kế hoạch số 12/KH-UBND ngày 03/01/2023 của UBND tỉnh Mẫu Sơn về cải cách hành chính năm 2023\n"
        "Năm 2023, tỉnh phấn đấu tỷ lệ hồ sơ trực tuyến toàn trình đạt 42% <so với> năm trước & hơn nữa.\n"
        "Chỉ số SIPAS của tỉnh phấn đấu đạt trên 88%.\n"
    ).encode()
    reply = await officer.send_document("mau-son-2023.txt", text)
    assert "Chỉ quản trị viên" in reply.text
    assert await asyncio.to_thread(application.bot_data.kb.documents) == []

    reply = await admin.send_document("virus.exe", b"MZ....")
    assert "không được hỗ trợ" in reply.text and "Không có gì được lưu" in reply.text
    reply = await admin.send_document("rong.txt", b"   \n  ")
    assert "Không thêm được" in reply.text

    reply = await admin.send_document("mau-son-2023.txt", text)
    assert "Đã thêm" in reply.text and "12/KH-UBND" in reply.text
    reply = await admin.send_document("mau-son-2023.txt", text)
    assert "Đã thay thế" in reply.text
    docs = await asyncio.to_thread(application.bot_data.kb.documents)
    assert [d.file_name for d in docs] == ["mau-son-2023.txt"]

    # The passage holds "<" and "&": it must arrive escaped (the emulator rejects bad HTML).
    reply = await officer.say("ty le ho so truc tuyen toan trinh nam 2023")
    assert "42% <so với> năm trước & hơn nữa" in reply.plain_text
    assert "12/KH-UBND" in reply.text

    reply = await officer.say("/xoatailieu mau-son-2023.txt")
    assert "Chỉ quản trị viên" in reply.text
    reply = await admin.say("/xoatailieu mau-son-2023.txt")
    assert "Đã gỡ" in reply.text
    reply = await officer.say("/tailieu")
    assert "Chưa có tài liệu" in reply.text


async def test_error_reaches_user_and_admins(running_bot, monkeypatch):
    application, emu = running_bot

    def broken(question):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(application.bot_data.kb, "ask", broken)
    officer = emu.chat(emu.user(OFFICER_ID, "Lan"))
    reply = await officer.say("sipas 2022")
    assert "Xin lỗi" in reply.text
    to_admin = await emu.wait_for(lambda m: m.chat_id == ADMIN_ID)
    assert "index exploded" in to_admin.text


async def test_group_chatter_is_ignored_but_mentions_are_answered(running_bot, corpus):
    application, emu = running_bot
    await _load_corpus(application, corpus)
    group = emu.group(-100123, "Tổ CCHC")
    user = emu.user(OFFICER_ID, "Lan")
    mark = emu.mark()
    emu.send_text(user, "chào cả nhà, chiều nay họp nhé", chat=group)
    emu.send_text(user, f"@{emu.bot_user['username']} chi tieu sipas nam 2022", chat=group)
    reply = await emu.wait_for(lambda m: m.chat_id == group["id"], after=mark)
    assert "85%" in reply.text  # the first reply is to the mention: the chatter got none
