package dev.parley.files.boundary;

import dev.parley.chat.entity.FileSettings;
import dev.parley.settings.Settings;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.annotation.WebListener;

/**
 * Registers {@link FileServlet} at {@code /api/files}, in code because its multipart bounds are settings
 * ({@code parley.files.max-bytes}) and {@code @MultipartConfig} takes only constants: the container refuses a larger
 * part or request itself, before Parley reads it. A part over 1 MiB waits in the container's temporary directory,
 * not in memory.
 */
@WebListener
public class FilesRegistration implements ServletContextListener {

    static final int IN_MEMORY_BYTES = 1024 * 1024;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        long maxBytes = FileSettings.from(Settings.fromEnvironment()).maxBytes();
        ServletRegistration.Dynamic files = event.getServletContext().addServlet("FileServlet", FileServlet.class);
        files.addMapping("/api/files", "/api/files/*");
        files.setMultipartConfig(
                new MultipartConfigElement("", maxBytes, maxBytes + FileServlet.FORM_OVERHEAD, IN_MEMORY_BYTES));
    }
}
