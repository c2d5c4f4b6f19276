package dev.parley.testing;

import java.util.Arrays;
import java.util.List;
import org.jboss.arquillian.container.spi.client.container.ContainerConfiguration;

/** The {@code payara} container's properties in arquillian.xml. */
public final class PayaraMicroContainerConfiguration implements ContainerConfiguration {

    private String javaVmArguments = "";

    /** Extra options of the Micro JVM: the tests' {@code -Dparley.*} settings. */
    public void setJavaVmArguments(String javaVmArguments) {
        this.javaVmArguments = javaVmArguments;
    }

    public String getJavaVmArguments() {
        return javaVmArguments;
    }

    List<String> javaVmArgumentList() {
        return Arrays.stream(javaVmArguments.trim().split("\\s+"))
                .filter(argument -> !argument.isEmpty())
                .toList();
    }

    @Override
    public void validate() {}
}
